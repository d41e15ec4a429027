import { describe, expect, it } from "vitest";
import { computeConsensus, type ExpertResponse } from "../../src/voting/computeConsensus.js";
import { createExtractor } from "../../src/voting/createExtractor.js";

const byNumber = createExtractor({ type: "number" });
const experts = (...texts: string[]): ExpertResponse[] => texts.map((text, i) => ({ agent: `e${i + 1}`, text }));

describe("computeConsensus", () => {
  it("is fully confident when all experts agree", async () => {
    const consensus = await computeConsensus({ responses: experts("#### 42", "It is 42.", "The answer is 42"), extractor: byNumber });
    expect(consensus.confidence).toBe(1);
    expect(consensus.answered).toBe(3);
    expect(consensus.groups).toEqual([{ key: "42", members: ["e1", "e2", "e3"], representative: "e1" }]);
  });

  it("reports 2/3 and the majority's representative response", async () => {
    const consensus = await computeConsensus({ responses: experts("#### 41", "So 42.", "#### 42"), extractor: byNumber });
    expect(consensus.confidence).toBeCloseTo(2 / 3, 12);
    expect(consensus.majority).toEqual({ key: "42", representative: "e2", text: "So 42." });
  });

  it("lists groups largest first", async () => {
    const consensus = await computeConsensus({ responses: experts("7", "8", "8"), extractor: byNumber });
    expect(consensus.groups.map((g) => [g.key, g.members])).toEqual([
      ["8", ["e2", "e3"]],
      ["7", ["e1"]],
    ]);
  });

  it("reports 1/3 when every expert differs", async () => {
    const consensus = await computeConsensus({ responses: experts("1", "2", "3"), extractor: byNumber });
    expect(consensus.confidence).toBeCloseTo(1 / 3, 12);
    expect(consensus.groups).toHaveLength(3);
  });

  it("breaks a tie by the earliest member", async () => {
    const consensus = await computeConsensus({ responses: experts("5", "6", "6", "5"), extractor: byNumber });
    expect(consensus.confidence).toBe(0.5);
    expect(consensus.majority?.key).toBe("5");
    expect(consensus.majority?.representative).toBe("e1");
  });

  it("breaks a tie the other way when the input order changes", async () => {
    const consensus = await computeConsensus({ responses: experts("6", "5", "6", "5"), extractor: byNumber });
    expect(consensus.majority?.key).toBe("6");
  });

  it("counts responses without an answer in the denominator only", async () => {
    const consensus = await computeConsensus({ responses: experts("#### 9", "I am not sure.", "nine, i.e. 9"), extractor: byNumber });
    expect(consensus.confidence).toBeCloseTo(2 / 3, 12);
    expect(consensus.answered).toBe(3);
    expect(consensus.groups.flatMap((g) => g.members)).not.toContain("e2");
  });

  it("has no majority and zero confidence when nothing could be extracted", async () => {
    const consensus = await computeConsensus({ responses: experts("no idea", "unclear"), extractor: byNumber });
    expect(consensus).toEqual({ groups: [], confidence: 0, answered: 2 });
  });

  it("has no majority and zero confidence without responses", async () => {
    expect(await computeConsensus({ responses: [], extractor: byNumber })).toEqual({ groups: [], confidence: 0, answered: 0 });
  });

  it("rejects duplicate agent names", async () => {
    const responses = [
      { agent: "qwen", text: "1" },
      { agent: "qwen", text: "2" },
    ];
    await expect(computeConsensus({ responses, extractor: byNumber })).rejects.toThrow(/"qwen" appears twice/);
  });

  it("works with clustered free text", async () => {
    const extractor = createExtractor({ type: "cluster", similarity: "lexical", threshold: 0.5 });
    const consensus = await computeConsensus({
      responses: experts("Lyon.", "Paris is the capital of France.", "The capital of France is Paris"),
      extractor,
    });
    expect(consensus.majority).toEqual({
      key: "Paris is the capital of France.",
      representative: "e2",
      text: "Paris is the capital of France.",
    });
    expect(consensus.confidence).toBeCloseTo(2 / 3, 12);
  });
});
