import { describe, expect, it } from "vitest";
import { readLlmAnswer } from "../../src/routing/index.js";

const categories = ["billing", "tech"];
const decisionOf = (answer: unknown) => {
  const reading = readLlmAnswer(answer, categories);
  if (!reading.ok) throw new Error(`expected a decision, got: ${reading.problem}`);
  return reading.decision;
};

describe("readLlmAnswer", () => {
  it("reads a well-formed answer", () => {
    expect(decisionOf({ category: "tech", confidence: 0.7, reason: "app crash" })).toEqual({
      category: "tech",
      confidence: 0.7,
      reason: "app crash",
    });
  });

  it("matches a category ignoring case and spaces, returning the declared name", () => {
    expect(decisionOf({ category: " Billing ", confidence: 1 }).category).toBe("billing");
  });

  it("reads a confidence above 1 and up to 100 as a percentage", () => {
    expect(decisionOf({ category: "tech", confidence: 85 }).confidence).toBe(0.85);
  });

  it("reads a numeric string with a percent sign", () => {
    expect(decisionOf({ category: "tech", confidence: "60%" }).confidence).toBe(0.6);
  });

  it("counts a missing confidence as 0 and says so", () => {
    const d = decisionOf({ category: "tech" });
    expect(d.confidence).toBe(0);
    expect(d.reason).toContain("no usable confidence");
  });

  it("counts a confidence above 100 as unusable", () => {
    expect(decisionOf({ category: "tech", confidence: 250 }).confidence).toBe(0);
  });

  it('turns "unknown" into an unknown decision that keeps the model\'s reason', () => {
    expect(decisionOf({ category: "unknown", confidence: 0.9, reason: "a greeting" })).toEqual({
      category: undefined,
      confidence: 0,
      reason: "the model answered unknown: a greeting",
    });
  });

  it("turns a category outside the list into an unknown decision naming it", () => {
    const d = decisionOf({ category: "refunds", confidence: 0.9 });
    expect(d).toMatchObject({ category: undefined, confidence: 0 });
    expect(d.reason).toContain('"refunds"');
  });

  it("refuses an answer that is not an object", () => {
    expect(readLlmAnswer("billing", categories)).toEqual({ ok: false, problem: "the answer is not a JSON object" });
  });

  it("refuses an object without a string category", () => {
    expect(readLlmAnswer({ label: "billing" }, categories).ok).toBe(false);
  });

  it("clips a long reason to 200 characters", () => {
    expect(decisionOf({ category: "tech", confidence: 1, reason: "x".repeat(1000) }).reason).toHaveLength(200);
  });
});
