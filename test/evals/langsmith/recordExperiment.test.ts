import { Client } from "langsmith";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordExperiment } from "../../../evals/langsmith/recordExperiment.js";
import { summarizeEval } from "../../../evals/scoring/summarizeEval.js";
import type { BenchmarkName, EvalItem, ItemResult, ItemScore } from "../../../evals/types.js";
import { startLangSmithDouble, type LangSmithDouble } from "../../doubles/langsmithDouble.js";

let double: LangSmithDouble;
const saved: Record<string, string | undefined> = {};
const KEYS = ["LANGSMITH_ENDPOINT", "LANGCHAIN_ENDPOINT", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "LANGSMITH_TRACING"];

beforeAll(async () => {
  double = await startLangSmithDouble();
  for (const key of KEYS) saved[key] = process.env[key];
  // Anything the client sent would land on the double instead of the network.
  process.env.LANGSMITH_ENDPOINT = double.url;
  process.env.LANGCHAIN_ENDPOINT = double.url;
  delete process.env.LANGSMITH_API_KEY;
  delete process.env.LANGCHAIN_API_KEY;
  process.env.LANGSMITH_TRACING = "false";
});
afterAll(async () => {
  for (const key of KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await double.close();
});

function result(bench: BenchmarkName, itemId: string, score: ItemScore): ItemResult {
  return {
    bench,
    topology: "moa-lite",
    itemId,
    category: "c",
    answer: {
      itemId,
      turns: ["answer"],
      calls: 3,
      failedCalls: 0,
      inputTokens: 1,
      outputTokens: 1,
      activeParams: 0,
      latencyMs: 5,
      routes: [],
      gateTurns: 0,
      gateSkips: 0,
    },
    score,
  };
}

async function record(bench: BenchmarkName, scores: Record<string, ItemScore>) {
  const items: EvalItem[] = Object.keys(scores).map((id) => ({ id, category: "c", turns: [`question ${id}`], gold: "1" }));
  const results = Object.entries(scores).map(([id, score]) => result(bench, id, score));
  const summary = summarizeEval({ bench, topology: "moa-lite", topologyHash: "abc", results });
  const recorded = await recordExperiment({ summary, items, results, env: { LANGSMITH_ENDPOINT: double.url } });
  return { recorded, summary };
}

describe("recordExperiment without LANGSMITH_API_KEY", () => {
  it("keeps exact-match scores as 0/1 feedback and the accuracy as the summary score, sending nothing", async () => {
    const before = double.requests.length;
    const { recorded } = await record("gsm8k", { a: { correct: true, extracted: "1" }, b: { correct: false }, c: { correct: true } });
    expect(recorded.uploaded).toBe(false);
    expect(Object.fromEntries(recorded.feedback)).toEqual({ a: { correct: 1 }, b: { correct: 0 }, c: { correct: 1 } });
    expect(recorded.summaryScores).toEqual({ accuracy: (100 * 2) / 3 });
    expect(recorded.experimentName).toMatch(/^moa-lite-gsm8k/);
    expect(double.requests.length).toBe(before);
  });

  it("gives MT-Bench the mean parsed rating per item", async () => {
    const { recorded } = await record("mt-bench", { a: { ratings: [8, 5] }, b: { ratings: [null, 4] }, c: { ratings: [null, null] } });
    expect(Object.fromEntries(recorded.feedback)).toEqual({ a: { rating: 6.5 }, b: { rating: 4 }, c: {} });
    // (8 + 5 + 4) / 3
    expect(recorded.summaryScores["mt-bench"]).toBeCloseTo(17 / 3, 10);
  });

  it("gives pairwise benchmarks the preference per item and the win rate as the summary score", async () => {
    const { recorded, summary } = await record("alpaca-eval", {
      a: { games: [], preference: 1, modelLength: 10, baselineLength: 10 },
      b: { games: [], preference: 0.5, modelLength: 10, baselineLength: 10 },
    });
    expect(Object.fromEntries(recorded.feedback)).toEqual({ a: { preference: 1 }, b: { preference: 0.5 } });
    expect(summary.quality.value).toBe(75);
    expect(recorded.summaryScores).toEqual({ "win-rate": 75 });
  });

  it("sent no request to the LangSmith double in any of the runs", () => {
    expect(double.requests).toEqual([]);
  });
});

describe("recordExperiment with LANGSMITH_API_KEY", () => {
  it("goes to LangSmith's dataset API first, and rejects when the dataset cannot be created", async () => {
    // This double speaks only the tracing endpoints: POST /datasets answers 404, which is enough to see
    // that a key switches uploading on (and that the double would have seen requests above).
    const own = await startLangSmithDouble();
    try {
      const results = [result("gsm8k", "a", { correct: true })];
      const summary = summarizeEval({ bench: "gsm8k", topology: "moa-lite", topologyHash: "abc", results });
      const recording = recordExperiment({
        summary,
        items: [{ id: "a", category: "c", turns: ["q"], gold: "1" }],
        results,
        env: { LANGSMITH_API_KEY: "test-key" },
        client: new Client({ apiUrl: own.url, apiKey: "test-key" }),
      });
      await expect(recording).rejects.toThrow(/dataset/i);
      expect(own.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /datasets", "POST /datasets"]);
      expect(own.requests.every((r) => r.apiKey === "test-key")).toBe(true);
    } finally {
      await own.close();
    }
  });
});
