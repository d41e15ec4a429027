import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import type { BenchmarkName, CostSummary, EvalSummary, ItemResult, JudgeCost, QualityScore } from "../types.js";
import { bradleyTerry, type Battle } from "./bradleyTerry.js";
import { lengthControlledWinRate } from "./lengthControlledWinRate.js";

/** Options of {@link summarizeEval}. */
export interface SummarizeEvalOptions {
  bench: BenchmarkName;
  topology: string;
  topologyHash: string;
  results: ItemResult[];
  baseline?: string | undefined;
  judge?: string | undefined;
  /** Seeds Arena-Hard's bootstrap, so a report is reproducible. */
  seed?: number;
  now?: Date;
}

/**
 * The headline numbers of one eval from its per-item results: accuracy (GSM8K, MMLU), the mean judge
 * rating with unparsable judgements counted and left out (MT-Bench), a Bradley-Terry win rate against
 * the baseline with a bootstrap 95% interval (Arena-Hard), or the win rate and length-controlled win
 * rate (AlpacaEval); per category, and the cost per item, the judge's cost, gate and route rates.
 *
 * @example
 * const summary = summarizeEval({ bench: "gsm8k", topology: "moa-lite", topologyHash: "ab12", results });
 * summary.quality.value; // accuracy in percent
 */
export function summarizeEval({
  bench,
  topology,
  topologyHash,
  results,
  baseline,
  judge,
  seed = 1,
  now = new Date(),
}: SummarizeEvalOptions): EvalSummary {
  const categories = [...new Set(results.map((r) => r.category))].sort();
  const perCategory = Object.fromEntries(
    categories.map((category) => {
      const subset = results.filter((r) => r.category === category);
      return [category, { items: subset.length, value: quality({ bench, results: subset, baseline, seed, withInterval: false }).value }];
    }),
  );
  const judged = results.filter((r) => r.judgeCost);
  const judgeCost: JudgeCost | undefined =
    judged.length === 0
      ? undefined
      : judged.reduce(
          (sum, r) => ({
            calls: sum.calls + r.judgeCost!.calls,
            inputTokens: sum.inputTokens + r.judgeCost!.inputTokens,
            outputTokens: sum.outputTokens + r.judgeCost!.outputTokens,
          }),
          { calls: 0, inputTokens: 0, outputTokens: 0 },
        );
  const gateTurns = results.reduce((n, r) => n + r.answer.gateTurns, 0);
  const routes = results.flatMap((r) => r.answer.routes);
  return {
    bench,
    topology,
    topologyHash,
    ...(baseline !== undefined ? { baseline } : {}),
    ...(judge !== undefined ? { judge } : {}),
    items: results.length,
    failed: results.filter((r) => r.answer.error !== undefined).length,
    quality: quality({ bench, results, baseline, seed, withInterval: true }),
    perCategory,
    cost: costOf(results),
    ...(judgeCost ? { judgeCost } : {}),
    ...(gateTurns > 0 ? { gateSkipRate: results.reduce((n, r) => n + r.answer.gateSkips, 0) / gateTurns } : {}),
    ...(routes.length > 0
      ? {
          routeShares: Object.fromEntries(
            [...new Set(routes)].sort().map((c) => [c, routes.filter((r) => r === c).length / routes.length]),
          ),
        }
      : {}),
    createdAt: now.toISOString(),
  };
}

function quality({
  bench,
  results,
  baseline,
  seed,
  withInterval,
}: {
  bench: BenchmarkName;
  results: ItemResult[];
  baseline: string | undefined;
  seed: number;
  withInterval: boolean;
}): QualityScore {
  const n = results.length;
  if (bench === "gsm8k" || bench === "mmlu")
    return { metric: "accuracy", value: n === 0 ? 0 : (100 * results.filter((r) => r.score.correct).length) / n, scored: n };
  if (bench === "mt-bench") {
    const ratings = results.flatMap((r) => r.score.ratings ?? []);
    const parsed = ratings.filter((r): r is number => r !== null);
    return {
      metric: "mt-bench",
      value: parsed.length === 0 ? 0 : parsed.reduce((s, r) => s + r, 0) / parsed.length,
      unparsable: ratings.length - parsed.length,
      // Items with at least one readable rating: 0 means the judge never produced one (the value means nothing).
      scored: results.filter((r) => (r.score.ratings ?? []).some((rating) => rating !== null)).length,
    };
  }
  const games = results.flatMap((r) => r.score.games ?? []);
  const unparsable = games.filter((g) => g.verdict === undefined).length;
  if (bench === "arena-hard") {
    const model = "topology";
    const reference = baseline ?? "baseline";
    // A failed item has no games: it counts as two strong losses, as a missing answer would be judged.
    const battles: Battle[] = results.flatMap((r) => {
      const played = (r.score.games ?? []).flatMap((g) => (g.verdict ? [{ questionId: r.itemId, model, verdict: g.verdict }] : []));
      return r.answer.error !== undefined ? [0, 1].map(() => ({ questionId: r.itemId, model, verdict: "B>>A" as const })) : played;
    });
    if (battles.length === 0) return { metric: "bt-score", value: 50, unparsable, scored: 0 };
    const rng = xoroshiro128plus(seed);
    const [score] = bradleyTerry(battles, {
      baseline: reference,
      bootstrapRounds: withInterval ? 100 : 0,
      random: () => uniformFloat64(rng),
    });
    return {
      metric: "bt-score",
      value: score?.winRate ?? 50,
      ...(score?.interval ? { interval: score.interval } : {}),
      unparsable,
      scored: new Set(battles.map((b) => b.questionId)).size,
    };
  }
  // Items the judge gave no verdict on (or with no baseline answer) have no preference: left out, and counted.
  const preferences = results
    .filter((r) => r.score.preference !== undefined)
    .map((r) => ({
      preference: r.score.preference!,
      modelLength: r.score.modelLength ?? 0,
      baselineLength: r.score.baselineLength ?? 0,
    }));
  if (preferences.length === 0) return { metric: "win-rate", value: 0, unparsable, scored: 0 };
  const lc = lengthControlledWinRate(preferences);
  return { metric: "win-rate", value: lc.winRate, lengthControlled: lc.lengthControlledWinRate, unparsable, scored: preferences.length };
}

function costOf(results: ItemResult[]): CostSummary {
  const answered = results.filter((r) => r.answer.error === undefined);
  const n = Math.max(1, results.length);
  const latencies = answered.map((r) => r.answer.latencyMs).sort((a, b) => a - b);
  const at = (q: number) => (latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
  const sum = (pick: (r: ItemResult) => number) => results.reduce((s, r) => s + pick(r), 0);
  return {
    callsPerItem: sum((r) => r.answer.calls) / n,
    inputTokensPerItem: sum((r) => r.answer.inputTokens) / n,
    outputTokensPerItem: sum((r) => r.answer.outputTokens) / n,
    activeParamsPerItem: sum((r) => r.answer.activeParams) / n,
    latencyMsMean: latencies.length === 0 ? 0 : latencies.reduce((s, l) => s + l, 0) / latencies.length,
    latencyMsP50: at(0.5),
    latencyMsP95: at(0.95),
  };
}
