import { readdirSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../../src/util/packageRoot.js";
import { readJsonl } from "../../src/testing/replay/readJsonl.js";
import { summarizeRouterCurve, type CurvePoint, type RouterCurveSummary } from "../scoring/routerCurve.js";
import { baselineRouters, type PromptRouter } from "./baselineRouters.js";
import { sweepRouter } from "./sweepRouter.js";

/** RouteLLM's strong and weak models, as named in its recordings. */
export const STRONG = "gpt-4-1106-preview";
export const WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1";
/** `../shared/datasets/routellm` next to the repository. */
export const DEFAULT_FOLDER = path.join(packageRoot({ from: import.meta.dirname }), "../shared/datasets/routellm");

/** A recorded item: the prompt, and whether each model answered it correctly. */
export interface RecordedItem {
  id: string;
  prompt: string;
  strongCorrect: boolean;
  weakCorrect: boolean;
}

/** One router's curve on one benchmark. */
export interface RouterResult extends RouterCurveSummary {
  router: string;
  points: CurvePoint[];
}

/** Every router on one benchmark. */
export interface BenchmarkRouters {
  benchmark: "gsm8k" | "mmlu";
  items: number;
  strong: { model: string; accuracy: number };
  weak: { model: string; accuracy: number };
  routers: RouterResult[];
}

/**
 * Reads RouteLLM's recorded per-item results (GPT-4-1106 as the strong model, Mixtral-8x7B as the weak)
 * for GSM8K (`gsm8k_responses.jsonl`) or all of MMLU (`mmlu/*.jsonl`). Items without both grades are left out.
 *
 * @example
 * const items = await readRecordedItems({ benchmark: "gsm8k" }); // 1319 items
 */
export async function readRecordedItems({
  benchmark,
  folder = DEFAULT_FOLDER,
}: {
  benchmark: "gsm8k" | "mmlu";
  folder?: string;
}): Promise<RecordedItem[]> {
  const files =
    benchmark === "gsm8k"
      ? [path.join(folder, "gsm8k_responses.jsonl")]
      : readdirSync(path.join(folder, "mmlu"))
          .filter((name) => name.endsWith(".jsonl"))
          .sort()
          .map((name) => path.join(folder, "mmlu", name));
  const items: RecordedItem[] = [];
  for (const file of files) {
    for (const { value } of await readJsonl(file)) {
      const record = value as { id?: unknown; question?: unknown; prompt?: unknown; correct?: Record<string, unknown> };
      const strong = record.correct?.[STRONG];
      const weak = record.correct?.[WEAK];
      const prompt = typeof record.question === "string" ? record.question : record.prompt;
      if (typeof strong !== "boolean" || typeof weak !== "boolean" || typeof prompt !== "string") continue;
      items.push({ id: String(record.id), prompt, strongCorrect: strong, weakCorrect: weak });
    }
  }
  return items;
}

/**
 * RouteLLM's evaluation of routers on recorded outputs, with no model running: each router scores every
 * prompt, a threshold sweep gives its curve of strong-model call share against accuracy, and the curve is
 * summarised by its APGR and the strong share needed for 20, 50 and 80% of the strong-weak gap.
 *
 * @example
 * const { routers } = await evaluateRouters({ benchmark: "gsm8k" });
 */
export async function evaluateRouters({
  benchmark,
  routers = baselineRouters(),
  folder,
}: {
  benchmark: "gsm8k" | "mmlu";
  routers?: PromptRouter[];
  folder?: string;
}): Promise<BenchmarkRouters> {
  const items = await readRecordedItems({ benchmark, ...(folder ? { folder } : {}) });
  return { benchmark, ...(await routeRecordedItems({ items, routers })) };
}

/**
 * Scores every recorded item with each router and summarises each router's curve. Routers are asked one
 * prompt at a time, in file order, so a seeded random router gives the same scores on every run.
 *
 * @example
 * const { routers } = await routeRecordedItems({ items: await readRecordedItems({ benchmark: "mmlu" }), routers: baselineRouters() });
 */
export async function routeRecordedItems({
  items,
  routers,
}: {
  items: readonly RecordedItem[];
  routers: readonly PromptRouter[];
}): Promise<Omit<BenchmarkRouters, "benchmark">> {
  const accuracy = (pick: (item: RecordedItem) => boolean) => items.filter(pick).length / items.length;
  const strongQuality = accuracy((item) => item.strongCorrect);
  const weakQuality = accuracy((item) => item.weakCorrect);
  const results: RouterResult[] = [];
  for (const router of routers) {
    const scored = [];
    for (const item of items) {
      scored.push({ score: await router.score(item.prompt), strongCorrect: item.strongCorrect, weakCorrect: item.weakCorrect });
    }
    const points = sweepRouter(scored);
    results.push({ router: router.name, points, ...summarizeRouterCurve({ points, weakQuality, strongQuality }) });
  }
  return {
    items: items.length,
    strong: { model: STRONG, accuracy: strongQuality },
    weak: { model: WEAK, accuracy: weakQuality },
    routers: results,
  };
}
