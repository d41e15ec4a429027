import { ConfigError } from "../../src/errors/ConfigError.js";
import { describe, expect, it } from "vitest";
import type { Consensus } from "../../src/voting/computeConsensus.js";
import { gateDecision } from "../../src/voting/gateDecision.js";

/** A consensus where `agreeing` of `answered` experts gave "42" (and the rest something else). */
function consensusOf(agreeing: number, answered: number): Consensus {
  const members = Array.from({ length: agreeing }, (_, i) => `e${i + 1}`);
  return {
    groups: [{ key: "42", members, representative: "e1" }],
    confidence: agreeing / answered,
    majority: { key: "42", representative: "e1", text: "#### 42" },
    answered,
  };
}

describe("gateDecision", () => {
  it("skips at T = 1 when all experts agree", () => {
    expect(gateDecision({ consensus: consensusOf(3, 3), threshold: 1 }).skip).toBe(true);
  });

  it("does not skip at T = 1 when one expert disagrees", () => {
    expect(gateDecision({ consensus: consensusOf(2, 3), threshold: 1 }).skip).toBe(false);
  });

  it("skips at T = 2/3 when 2 of 3 agree", () => {
    expect(gateDecision({ consensus: consensusOf(2, 3), threshold: 2 / 3 }).skip).toBe(true);
  });

  it("skips when 2/3 meets a threshold rounded up or down", () => {
    expect(gateDecision({ consensus: consensusOf(2, 3), threshold: 0.6666666 }).skip).toBe(true);
    expect(gateDecision({ consensus: consensusOf(2, 3), threshold: 0.6666667 }).skip).toBe(true);
  });

  it("does not skip at T = 2/3 when 1 of 3 agrees", () => {
    expect(gateDecision({ consensus: consensusOf(1, 3), threshold: 2 / 3 }).skip).toBe(false);
  });

  it("does not skip when 2 of 3 fall just short of a higher threshold", () => {
    expect(gateDecision({ consensus: consensusOf(2, 3), threshold: 0.67 }).skip).toBe(false);
  });

  it("reports confidence, threshold and a reason naming the answer", () => {
    const decision = gateDecision({ consensus: consensusOf(2, 3), threshold: 1 });
    expect(decision.confidence).toBeCloseTo(2 / 3, 12);
    expect(decision.threshold).toBe(1);
    expect(decision.reason).toBe('2 of 3 experts agree on "42" (confidence 0.667 < threshold 1.000); the aggregator runs');
  });

  it("never skips when no expert answered", () => {
    const decision = gateDecision({ consensus: { groups: [], confidence: 0, answered: 0 }, threshold: 0.1 });
    expect(decision.skip).toBe(false);
    expect(decision.reason).toMatch(/no expert answered/);
  });

  it("never skips when no answer could be extracted", () => {
    const decision = gateDecision({ consensus: { groups: [], confidence: 0, answered: 2 }, threshold: 0.1 });
    expect(decision.skip).toBe(false);
    expect(decision.reason).toMatch(/no answer could be extracted from the 2 response/);
  });

  it("rejects thresholds outside (0, 1]", () => {
    for (const threshold of [0, -0.5, 1.5, Number.NaN]) {
      expect(() => gateDecision({ consensus: consensusOf(1, 1), threshold })).toThrow(
        /gate: threshold: expected a number above 0 and at most 1/,
      );
      expect(() => gateDecision({ consensus: consensusOf(1, 1), threshold })).toThrow(ConfigError);
    }
  });
});
