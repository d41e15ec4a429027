import type { AnswerExtractor } from "../../src/voting/AnswerExtractor.js";
import { baselineRouters, type PromptRouter } from "./baselineRouters.js";
import { calibrateGate } from "./calibrateGate.js";
import { readRecordedItems, routeRecordedItems } from "./evaluateRouters.js";
import { fixedRouterResults, reasoningRuleRouter } from "./projectRouters.js";
import { readGateRecords, replayGate } from "./replayGate.js";
import type { ReplayResult } from "./types.js";

/**
 * The routers replayed when none are given: RouteLLM's baselines (random, length, keywords) and the
 * project's rule router. The LLM and embedding routers need models, so callers add them.
 *
 * @example
 * defaultReplayRouters({ seed: 1 }).map((router) => router.name); // ["random", "length", "keywords", "rules"]
 */
export function defaultReplayRouters({ seed = 1 }: { seed?: number } = {}): PromptRouter[] {
  return [...baselineRouters({ seed }), reasoningRuleRouter({})];
}

/**
 * `moa eval replay` on one benchmark from RouteLLM's recordings, with no model running: every router's
 * curve (plus the always-weak and always-strong endpoints), and on GSM8K, whose recording holds both
 * models' full answers, MOSAIC's gate at `thresholds` and a gate calibrated on half the items.
 *
 * @example
 * const result = await replayBenchmark({ benchmark: "gsm8k", folder: "../shared/datasets/routellm" });
 * console.log(result.gate?.thresholds[0].skipRate, result.calibratedGate?.heldOut.accuracy);
 */
export async function replayBenchmark({
  benchmark,
  folder,
  routers,
  thresholds,
  tolerance,
  seed = 1,
  extractors = ["number"],
  gateExperts,
}: {
  /** The gate's experts in order of preference (default strong first; see `replayGate`). */
  gateExperts?: readonly string[];
  benchmark: "gsm8k" | "mmlu";
  /** The RouteLLM folder (`gsm8k_responses.jsonl`, `mmlu/*.jsonl`); default `../shared/datasets/routellm`. */
  folder?: string;
  routers?: readonly PromptRouter[];
  /** Gate thresholds to report (default `DEFAULT_GATE_THRESHOLDS`). */
  thresholds?: readonly number[];
  /** The calibrated gate's allowed accuracy loss (default 0.005). */
  tolerance?: number;
  /** Seeds the random router and the calibration split. */
  seed?: number;
  /** Extractors for the gate: the first is reported at `thresholds`, all compete in the calibration. */
  extractors?: ReadonlyArray<string | AnswerExtractor>;
}): Promise<ReplayResult> {
  const where = folder ? { folder } : {};
  const items = await readRecordedItems({ benchmark, ...where });
  const routed = await routeRecordedItems({ items, routers: routers ?? defaultReplayRouters({ seed }) });
  const result: ReplayResult = {
    benchmark,
    items: routed.items,
    strong: routed.strong,
    weak: routed.weak,
    routers: [...fixedRouterResults({ weakQuality: routed.weak.accuracy, strongQuality: routed.strong.accuracy }), ...routed.routers],
  };
  if (benchmark !== "gsm8k") return result;
  const records = await readGateRecords(where);
  const experts = gateExperts ? { experts: gateExperts } : {};
  const gate = await replayGate({ records, extractor: extractors[0] ?? "number", ...experts, ...(thresholds ? { thresholds } : {}) });
  const calibratedGate = await calibrateGate({ records, extractors, seed, ...experts, ...(tolerance === undefined ? {} : { tolerance }) });
  return { ...result, gate, calibratedGate };
}
