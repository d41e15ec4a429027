import { describe, expect, it } from "vitest";
import { STRONG, WEAK } from "../../../evals/replay/evaluateRouters.js";
import { readGateRecords, replayGate, resolveExtractor } from "../../../evals/replay/replayGate.js";
import { FOUR_GATE_ITEMS, writeRecordedFolder } from "./recordedFolder.js";

const folder = writeRecordedFolder({ gsm8k: FOUR_GATE_ITEMS });

describe("replayGate on four hand-made items", () => {
  it("skips the two unanimous items at T = 1 without changing the accuracy", async () => {
    const gate = await replayGate({ folder, thresholds: [1] });
    // Skipped: items 1 (right) and 2 (wrong). Gated: 1, 3, 4 right = always aggregating.
    expect(gate.thresholds[0]).toEqual({
      threshold: 1,
      skipped: 2,
      skipRate: 0.5,
      accuracy: 0.75,
      skippedAccuracy: 0.5,
      escalatedAccuracy: 1,
    });
    expect(gate.alwaysAggregateAccuracy).toBe(0.75);
  });

  it("treats 0.75 like 1, as two experts give confidence 1 or 0.5 only", async () => {
    const gate = await replayGate({ folder, thresholds: [0.75] });
    expect(gate.thresholds[0]!.skipped).toBe(2);
  });

  it("at T = 0.5 skips every item with an answer and returns the weak model's answer on the split", async () => {
    const gate = await replayGate({ folder, thresholds: [0.5] });
    // Item 3 now gets the weak model's 4 (wrong); item 4 the strong model's 9, the only answer (right).
    expect(gate.thresholds[0]).toEqual({
      threshold: 0.5,
      skipped: 4,
      skipRate: 1,
      accuracy: 0.5,
      skippedAccuracy: 0.5,
      escalatedAccuracy: Number.NaN,
    });
  });

  it("returns the stand-in's answer on a split when the strong model is listed first", async () => {
    const gate = await replayGate({ folder, thresholds: [0.5], experts: [STRONG, WEAK] });
    expect(gate.thresholds[0]!.accuracy).toBe(0.75);
    expect(gate.experts).toEqual([STRONG, WEAK]);
  });

  it("reports NaN accuracy on skipped items when nothing is skipped", async () => {
    const gate = await replayGate({ folder, thresholds: [1], extractor: "exact" });
    // Normalised full texts differ on every item, so no two experts agree.
    expect(gate.thresholds[0]!.skipped).toBe(0);
    expect(gate.thresholds[0]!.skippedAccuracy).toBeNaN();
    expect(gate.extractor).toBe("exact");
  });

  it("measures how often our grading agrees with the dataset's flags", async () => {
    const gate = await replayGate({ folder });
    expect(gate.gradingAgreement).toBe(7 / 8);
  });

  it("grades responses by the extracted number against the gold one", async () => {
    const records = await readGateRecords({ folder });
    expect(records.map((record) => record.correct[STRONG])).toEqual([true, false, true, true]);
    expect(records[3]!.datasetCorrect[STRONG]).toBe(false);
  });

  it("rejects an unknown extractor name, listing the known ones", () => {
    expect(() => resolveExtractor({ extractor: "regex" })).toThrow(/unknown gate extractor "regex".*number/);
  });

  it("rejects an expert that has no recorded answers", async () => {
    await expect(replayGate({ folder, experts: ["llama"] })).rejects.toThrow(/no recorded answers for llama/);
  });
});
