import { describe, expect, it } from "vitest";
import { emptyAnswer } from "../../../evals/generate/responder.js";
import { summarizeEval } from "../../../evals/scoring/summarizeEval.js";
import type { BenchmarkName, GeneratedAnswer, ItemResult, ItemScore, JudgeCost } from "../../../evals/types.js";

function result(
  bench: BenchmarkName,
  itemId: string,
  score: ItemScore,
  { category = "c", answer = {}, judgeCost }: { category?: string; answer?: Partial<GeneratedAnswer>; judgeCost?: JudgeCost } = {},
): ItemResult {
  return {
    bench,
    topology: "t",
    itemId,
    category,
    answer: { itemId, ...emptyAnswer(), turns: ["x"], calls: 1, ...answer },
    score,
    ...(judgeCost ? { judgeCost } : {}),
  };
}

const summarize = (bench: BenchmarkName, results: ItemResult[]) =>
  summarizeEval({ bench, topology: "t", topologyHash: "h", results, baseline: "gpt-4-0314", now: new Date("2025-01-02T03:04:05Z") });

describe("summarizeEval: exact-match benchmarks", () => {
  const results = [
    result("gsm8k", "1", { correct: true }, { category: "math" }),
    result("gsm8k", "2", { correct: true }, { category: "math" }),
    result("gsm8k", "3", { correct: false }, { category: "math" }),
    result("gsm8k", "4", { correct: true }, { category: "logic" }),
  ];

  it("reports accuracy in percent", () => {
    expect(summarize("gsm8k", results).quality).toEqual({ metric: "accuracy", value: 75, scored: 4 });
  });

  it("reports accuracy per category", () => {
    expect(summarize("gsm8k", results).perCategory).toEqual({ logic: { items: 1, value: 100 }, math: { items: 3, value: (100 * 2) / 3 } });
  });

  it("carries the names, counts failed items and stamps the time", () => {
    const failed = result("gsm8k", "5", { correct: false }, { answer: { error: "down", turns: [] } });
    const summary = summarize("gsm8k", [...results, failed]);
    expect(summary).toMatchObject({ bench: "gsm8k", topology: "t", topologyHash: "h", items: 5, failed: 1 });
    expect(summary.quality.value).toBe(60);
    expect(summary.createdAt).toBe("2025-01-02T03:04:05.000Z");
    expect(summary.judgeCost).toBeUndefined();
    expect(summary.gateSkipRate).toBeUndefined();
    expect(summary.routeShares).toBeUndefined();
  });
});

describe("summarizeEval: MT-Bench", () => {
  const results = [
    result("mt-bench", "1", { ratings: [8, null] }, { category: "writing" }),
    result("mt-bench", "2", { ratings: [6, 4] }, { category: "math" }),
    result("mt-bench", "3", { ratings: [null, 10] }, { category: "math" }),
  ];

  it("averages the parsed ratings and counts the unparsable ones apart", () => {
    // (8 + 6 + 4 + 10) / 4
    expect(summarize("mt-bench", results).quality).toEqual({ metric: "mt-bench", value: 7, unparsable: 2, scored: 3 });
  });

  it("scores nothing when the judge never gave a readable rating", () => {
    const quality = summarize("mt-bench", [result("mt-bench", "1", { ratings: [null, null] })]).quality;
    expect(quality).toMatchObject({ scored: 0, unparsable: 2 });
  });

  it("averages per category", () => {
    expect(summarize("mt-bench", results).perCategory).toEqual({ math: { items: 2, value: 20 / 3 }, writing: { items: 1, value: 8 } });
  });
});

describe("summarizeEval: cost, judge, gate and routes", () => {
  const results = [
    result(
      "gsm8k",
      "1",
      { correct: true },
      {
        answer: {
          calls: 2,
          inputTokens: 100,
          outputTokens: 10,
          activeParams: 7e9,
          latencyMs: 40,
          gateTurns: 2,
          gateSkips: 1,
          routes: ["math", "code"],
        },
        judgeCost: { calls: 2, inputTokens: 300, outputTokens: 20 },
      },
    ),
    result(
      "gsm8k",
      "2",
      { correct: true },
      {
        answer: {
          calls: 4,
          inputTokens: 200,
          outputTokens: 30,
          activeParams: 1e9,
          latencyMs: 10,
          gateTurns: 1,
          gateSkips: 1,
          routes: ["math"],
        },
        judgeCost: { calls: 1, inputTokens: 50, outputTokens: 5 },
      },
    ),
    result("gsm8k", "3", { correct: false }, { answer: { calls: 3, latencyMs: 30 } }),
    result("gsm8k", "4", { correct: false }, { answer: { calls: 3, latencyMs: 20 } }),
    // A failed item: its calls count, its latency does not.
    result("gsm8k", "5", { correct: false }, { answer: { calls: 0, latencyMs: 999, error: "down", turns: [] } }),
  ];

  it("averages the cost per item and takes latency percentiles over answered items", () => {
    expect(summarize("gsm8k", results).cost).toEqual({
      callsPerItem: 12 / 5,
      inputTokensPerItem: 60,
      outputTokensPerItem: 8,
      activeParamsPerItem: 8e9 / 5,
      // Latencies 10, 20, 30, 40: mean 25, p50 the 3rd (index 2), p95 the 4th.
      latencyMsMean: 25,
      latencyMsP50: 30,
      latencyMsP95: 40,
    });
  });

  it("sums the judge's cost over the items it judged", () => {
    expect(summarize("gsm8k", results).judgeCost).toEqual({ calls: 3, inputTokens: 350, outputTokens: 25 });
  });

  it("reports the gate's skip rate and the routes' shares", () => {
    const summary = summarize("gsm8k", results);
    expect(summary.gateSkipRate).toBe(2 / 3);
    expect(summary.routeShares).toEqual({ code: 1 / 3, math: 2 / 3 });
  });
});

describe("summarizeEval: Arena-Hard", () => {
  const win = (id: string) =>
    result("arena-hard", id, {
      games: [
        { first: "model", verdict: "A>B" },
        { first: "baseline", verdict: "A>>B" },
      ],
      preference: 1,
    });

  it("scores a topology that wins every game above 50 with a 95% interval", () => {
    const quality = summarize("arena-hard", ["1", "2", "3", "4"].map(win)).quality;
    expect(quality.metric).toBe("bt-score");
    expect(quality.value).toBeGreaterThan(50);
    expect(quality.interval).toHaveLength(2);
    const [low, high] = quality.interval!;
    expect(low).toBeLessThanOrEqual(high);
    expect(quality).toMatchObject({ unparsable: 0, scored: 4 });
  });

  it("counts a failed item as lost, lowering the score", () => {
    const wins = ["1", "2", "3", "4"].map(win);
    const failed = result("arena-hard", "5", { games: [], preference: 0 }, { answer: { error: "down", turns: [] } });
    const all = summarize("arena-hard", wins).quality.value;
    const withFailure = summarize("arena-hard", [...wins, failed]).quality.value;
    expect(withFailure).toBeLessThan(all);
  });

  it("counts games without a verdict as unparsable", () => {
    const unclear = result("arena-hard", "6", { games: [{ first: "model" }, { first: "baseline", verdict: "B>A" }], preference: 1 });
    expect(summarize("arena-hard", [win("1"), unclear]).quality.unparsable).toBe(1);
  });

  it("is reproducible for a seed", () => {
    const wins = ["1", "2", "3"].map(win);
    expect(summarize("arena-hard", wins).quality).toEqual(summarize("arena-hard", wins).quality);
  });
});

describe("summarizeEval: AlpacaEval", () => {
  const item = (id: string, preference: number, category = "c") =>
    result("alpaca-eval", id, { games: [], preference, modelLength: 100, baselineLength: 100 }, { category });

  it("reports the mean preference as the win rate, and at equal lengths the same length-controlled win rate", () => {
    const quality = summarize("alpaca-eval", [item("1", 1), item("2", 1), item("3", 0), item("4", 0.5)]).quality;
    // (1 + 1 + 0 + 0.5) / 4
    expect(quality.metric).toBe("win-rate");
    expect(quality.value).toBe(62.5);
    expect(quality.lengthControlled).toBeCloseTo(62.5, 3);
    expect(quality.scored).toBe(4);
  });

  it("leaves items without a preference (no readable verdict) out of the win rate", () => {
    const unjudged = result("alpaca-eval", "9", { games: [{ first: "model" }, { first: "baseline" }], modelLength: 1, baselineLength: 1 });
    const quality = summarize("alpaca-eval", [item("1", 1), item("2", 0), unjudged]).quality;
    expect(quality).toMatchObject({ value: 50, scored: 2, unparsable: 2 });
  });

  it("reports the win rate per category", () => {
    const summary = summarize("alpaca-eval", [item("1", 1, "a"), item("2", 0, "a"), item("3", 1, "b")]);
    expect(summary.perCategory).toEqual({ a: { items: 2, value: 50 }, b: { items: 1, value: 100 } });
  });
});
