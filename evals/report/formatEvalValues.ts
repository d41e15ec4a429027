import type { JudgeCost, QualityScore } from "../types.js";

/**
 * What a quality metric measures, with its unit, for table headers and chart axes.
 *
 * @example
 * metricLabel({ metric: "mt-bench" }); // "MT-Bench rating (1-10)"
 */
export function metricLabel({ metric }: { metric: QualityScore["metric"] }): string {
  switch (metric) {
    case "accuracy":
      return "accuracy (%)";
    case "mt-bench":
      return "MT-Bench rating (1-10)";
    case "bt-score":
      return "win rate vs baseline (%, Bradley-Terry)";
    case "win-rate":
      return "win rate (%)";
  }
}

/**
 * A quality value in its metric's units (percent, or a 1-10 rating), with its 95% interval when it has one.
 *
 * @example
 * formatQuality({ quality: { metric: "bt-score", value: 61.234, interval: [58.1, 64.9], scored: 500 } }); // "61.2% [58.1, 64.9]"
 */
export function formatQuality({
  quality,
}: {
  quality: Pick<QualityScore, "metric" | "value" | "interval"> & Partial<Pick<QualityScore, "scored" | "unparsable">>;
}): string {
  const unit = quality.metric === "mt-bench" ? "" : "%";
  const digits = quality.metric === "mt-bench" ? 2 : 1;
  const interval = quality.interval ? ` [${quality.interval[0].toFixed(digits)}, ${quality.interval[1].toFixed(digits)}]` : "";
  // Judgements the judge gave no readable rating or verdict for are left out of the number: say how many.
  const unparsable = quality.unparsable ? ` (${quality.unparsable} unparsable)` : "";
  if (quality.scored === 0 || !Number.isFinite(quality.value)) return `n/a${unparsable}`;
  return `${quality.value.toFixed(digits)}${unit}${interval}${unparsable}`;
}

/**
 * A 0..1 share as a percentage; "n/a" for NaN (nothing to share out), "-" when absent.
 *
 * @example
 * formatShare({ share: 0.4213 }); // "42.1%"
 */
export function formatShare({ share }: { share: number | undefined }): string {
  if (share === undefined) return "-";
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : "n/a";
}

/**
 * A count or average in few characters: 3.25, 1.2k, 4.5M, 7.0G (active parameters read best in G = billions).
 *
 * @example
 * formatAmount({ value: 12_345 }); // "12.3k"
 */
export function formatAmount({ value }: { value: number }): string {
  if (!Number.isFinite(value)) return "n/a";
  const size = Math.abs(value);
  if (size >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (size >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (size >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/**
 * A latency in seconds.
 *
 * @example
 * formatLatency({ ms: 1234 }); // "1.23 s"
 */
export function formatLatency({ ms }: { ms: number }): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "n/a";
}

/**
 * What the judge spent over a whole eval, or "-" when no judge ran.
 *
 * @example
 * formatJudgeCost({ judgeCost: { calls: 160, inputTokens: 240_000, outputTokens: 30_000 } }); // "160 calls, 270.0k tok"
 */
export function formatJudgeCost({ judgeCost }: { judgeCost: JudgeCost | undefined }): string {
  if (!judgeCost) return "-";
  return `${judgeCost.calls} calls, ${formatAmount({ value: judgeCost.inputTokens + judgeCost.outputTokens })} tok`;
}

/**
 * A router's choices as "category share" pairs, most chosen first; "-" when the topology has no router.
 *
 * @example
 * formatRouteShares({ routeShares: { code: 0.25, math: 0.75 } }); // "math 75.0%, code 25.0%"
 */
export function formatRouteShares({ routeShares }: { routeShares: Record<string, number> | undefined }): string {
  if (!routeShares) return "-";
  return Object.entries(routeShares)
    .sort(([, a], [, b]) => b - a)
    .map(([route, share]) => `${route} ${formatShare({ share })}`)
    .join(", ");
}
