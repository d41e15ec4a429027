import type { CallTiming, MeasuredProfile } from "./types.js";

/**
 * Mean and sample standard deviation (n - 1; 0 for a single value).
 *
 * @example
 * meanAndSd([100, 120]); // { mean: 110, sd: 14.142... }
 */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) return { mean: 0, sd: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, sd: 0 };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/**
 * The median (the mean of the middle two for an even count).
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to 4 significant digits: more than a measurement can tell. */
export function roundMeasured(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(4));
}

/**
 * Turns measured calls (the first one right after the model was unloaded) into a profile:
 * - load seconds: the first call's reported load time, or, when the server reports none
 *   (`loadFromFirstCall: "estimate"`), the first call's extra prefill over the median of the others;
 * - prefill: the mean over every call when the load time is reported apart from it (Ollama), else over
 *   every call after the first (whose time to first token includes loading), or the first alone;
 * - seconds per output token: total generating time over total output tokens (long answers weigh more,
 *   as they do in a schedule);
 * - output tokens: mean and sample standard deviation.
 *
 * @example
 * summariseTimings({ calls, loadFromFirstCall: "reported" }).service.secondsPerOutputToken; // 0.02
 */
export function summariseTimings({
  calls,
  loadFromFirstCall,
}: {
  calls: readonly CallTiming[];
  loadFromFirstCall: "reported" | "estimate";
}): MeasuredProfile {
  const first = calls[0];
  if (first === undefined) throw new RangeError("summariseTimings needs at least one call");
  const warm = calls.length > 1 ? calls.slice(1) : calls;
  const prefill = meanAndSd((loadFromFirstCall === "reported" ? calls : warm).map((c) => c.prefillSeconds));
  let loadSeconds: number;
  if (loadFromFirstCall === "reported") loadSeconds = first.loadSeconds ?? 0;
  else loadSeconds = calls.length > 1 ? Math.max(0, first.prefillSeconds - median(warm.map((c) => c.prefillSeconds))) : 0;
  const tokens = calls.reduce((n, c) => n + c.outputTokens, 0);
  const generating = calls.reduce((s, c) => s + c.generateSeconds, 0);
  const output = meanAndSd(calls.map((c) => c.outputTokens));
  const promptCounts = calls.flatMap((c) => (c.promptTokens === undefined ? [] : [c.promptTokens]));
  return {
    loadSeconds: roundMeasured(loadSeconds),
    loadEstimated: loadFromFirstCall === "estimate",
    service: {
      prefillSeconds: roundMeasured(prefill.mean),
      secondsPerOutputToken: roundMeasured(tokens > 0 ? generating / tokens : 0),
      outputTokens: { mean: roundMeasured(output.mean), sd: roundMeasured(output.sd) },
    },
    calls: calls.length,
    prefillSd: roundMeasured(prefill.sd),
    promptTokensMean: promptCounts.length > 0 ? roundMeasured(meanAndSd(promptCounts).mean) : undefined,
  };
}
