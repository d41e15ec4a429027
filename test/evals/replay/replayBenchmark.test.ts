import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { llmPromptRouter } from "../../../evals/replay/projectRouters.js";
import { replayBenchmark } from "../../../evals/replay/replayBenchmark.js";
import { FOUR_GATE_ITEMS, writeRecordedFolder } from "./recordedFolder.js";

const folder = writeRecordedFolder({
  gsm8k: FOUR_GATE_ITEMS,
  mmlu: [
    { prompt: "Which of the following is a prime?\nA. 4\nB. 5", strongCorrect: true, weakCorrect: false },
    { prompt: "Who wrote Hamlet?\nA. Shakespeare\nB. Marlowe", strongCorrect: true, weakCorrect: true },
  ],
});

describe("replayBenchmark on hand-made recordings", () => {
  it("lists always-weak and always-strong first, then the default routers including the rule router", async () => {
    const result = await replayBenchmark({ benchmark: "mmlu", folder });
    expect(result.routers.map((router) => router.router)).toEqual([
      "always-weak",
      "always-strong",
      "random",
      "length",
      "keywords",
      "rules",
    ]);
    expect(result).toMatchObject({ benchmark: "mmlu", items: 2, strong: { accuracy: 1 }, weak: { accuracy: 0.5 } });
  });

  it("leaves the gate out on MMLU, whose recording has grades only", async () => {
    const result = await replayBenchmark({ benchmark: "mmlu", folder });
    expect(result.gate).toBeUndefined();
    expect(result.calibratedGate).toBeUndefined();
  });

  it("adds the gate at the given thresholds and a calibrated gate on GSM8K", async () => {
    const result = await replayBenchmark({ benchmark: "gsm8k", folder, thresholds: [1] });
    expect(result.gate?.thresholds.map((row) => row.skipRate)).toEqual([0.5]);
    expect(result.calibratedGate).toMatchObject({ calibrationItems: 2, heldOutItems: 2, tolerance: 0.005 });
  });

  it("replays a router backed by a chat model, given as an extra router", async () => {
    // Dataset flags: strong right on items 1 and 3, weak on item 1 only. The model sends item 3 to strong first.
    const answers = [0.1, 0.2, 0.9, 0.3].map((confidence) => `{"category": "strong", "confidence": ${confidence}, "reason": "-"}`);
    const router = llmPromptRouter({ model: new FakeListChatModel({ responses: answers }) });
    const result = await replayBenchmark({ benchmark: "gsm8k", folder, routers: [router] });
    const llm = result.routers.find((entry) => entry.router === "llm")!;
    // Weak 0.25, strong 0.5: sending item 3 first already reaches the strong accuracy.
    expect(llm.points[1]).toEqual({ strongShare: 0.25, quality: 0.5 });
    expect(llm.apgr).toBeGreaterThan(0.8);
  });
});

// RouteLLM's recording in ../shared: 1319 GSM8K items with both models' full answers.
describe("replayBenchmark on the recorded GSM8K answers", () => {
  it("skips the aggregator on over half the items at T = 1, with the skipped answers mostly right", async () => {
    const { gate } = await replayBenchmark({ benchmark: "gsm8k", thresholds: [1] });
    const [unanimous] = gate!.thresholds;
    // Measured: 794 of 1319 skipped (60.2 %), 97.7 % of them right.
    expect(unanimous!.skipRate).toBeGreaterThan(0.55);
    expect(unanimous!.skipRate).toBeLessThan(0.65);
    expect(unanimous!.skippedAccuracy).toBeGreaterThan(0.95);
    // Agreeing experts give the same number, so skipping at T = 1 cannot change the accuracy.
    expect(unanimous!.accuracy).toBe(gate!.alwaysAggregateAccuracy);
  });
});
