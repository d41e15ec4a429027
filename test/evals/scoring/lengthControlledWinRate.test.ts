import { describe, expect, it } from "vitest";
import { lengthControlledWinRate, type LengthedPreference } from "../../../evals/scoring/lengthControlledWinRate.js";

// A judge whose preference is explained by length alone (θ = 0, φ = 2 on tanh of the standardised
// difference), on a set where the model mostly writes longer answers: the raw win rate is well above 50%,
// the length-controlled one is 50%.
function lengthOnlyJudge(): LengthedPreference[] {
  const differences = [-200, -50, 100, 150, 200, 250, 300, 400, 500, 600];
  const mean = differences.reduce((a, b) => a + b, 0) / differences.length;
  const sd = Math.sqrt(differences.reduce((a, d) => a + (d - mean) ** 2, 0) / differences.length);
  return differences.map((d) => ({
    preference: 1 / (1 + Math.exp(-2 * Math.tanh(d / sd))),
    modelLength: 1000 + d,
    baselineLength: 1000,
  }));
}

describe("lengthControlledWinRate", () => {
  it("removes a preference that length alone explains", () => {
    const result = lengthControlledWinRate(lengthOnlyJudge());
    expect(result.winRate).toBeGreaterThan(65);
    expect(result.lengthControlledWinRate).toBeCloseTo(50, 4);
    expect(result.lengthWeight).toBeCloseTo(2, 4);
  });

  it("keeps a preference that length does not explain", () => {
    const items = lengthOnlyJudge().map((item) => ({ ...item, modelLength: item.baselineLength, preference: 0.8 }));
    const result = lengthControlledWinRate(items);
    expect(result.winRate).toBeCloseTo(80, 6);
    expect(result.lengthControlledWinRate).toBeCloseTo(80, 3);
  });

  it("refuses an empty set", () => {
    expect(() => lengthControlledWinRate([])).toThrow(RangeError);
  });
});
