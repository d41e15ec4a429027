import { describe, expect, it } from "vitest";
import { bradleyTerry, type Battle } from "../../../evals/scoring/bradleyTerry.js";

// One model against the baseline. Weighted wins (a strong verdict counts 3, a tie half each way, plus the
// half-game prior each way): model 1 + 3 + 0.5 + 0.5 = 5, baseline 1 + 0.5 + 0.5 = 2. With two players
// the maximum-likelihood strength ratio is wins over losses: 5 / 2, so the win rate is 5 / 7.
const table: Battle[] = [
  { questionId: "q1", model: "moa", verdict: "A>B" },
  { questionId: "q1", model: "moa", verdict: "B>A" },
  { questionId: "q2", model: "moa", verdict: "A>>B" },
  { questionId: "q2", model: "moa", verdict: "A=B" },
];

describe("bradleyTerry", () => {
  it("fits a hand-computed table: win rate 5/7, rating 1000 + 400 log10(2.5)", () => {
    const [score] = bradleyTerry(table, { baseline: "gpt-4", bootstrapRounds: 0 });
    expect(score!.winRate).toBeCloseTo((100 * 5) / 7, 6);
    expect(score!.rating).toBeCloseTo(1000 + 400 * Math.log10(2.5), 6);
    expect(score!.battles).toBe(4);
    expect(score!.interval).toBeUndefined();
  });

  it("orders several models by their record against the baseline", () => {
    const battles: Battle[] = [
      ...Array.from({ length: 6 }, (_, i) => ({ questionId: `q${i}`, model: "strong", verdict: "A>B" as const })),
      ...Array.from({ length: 6 }, (_, i) => ({
        questionId: `q${i}`,
        model: "weak",
        verdict: i < 2 ? ("A>B" as const) : ("B>A" as const),
      })),
    ];
    const scores = bradleyTerry(battles, { baseline: "base", bootstrapRounds: 0 });
    const byModel = Object.fromEntries(scores.map((s) => [s.model, s.winRate]));
    expect(byModel.strong!).toBeGreaterThan(50);
    expect(byModel.weak!).toBeLessThan(50);
  });

  it("gives a bootstrap interval around the point estimate, reproducible with a seeded draw", () => {
    const seeded = () => {
      let state = 7;
      return () => (state = (state * 48271) % 2147483647) / 2147483647;
    };
    const [first] = bradleyTerry(table, { baseline: "gpt-4", bootstrapRounds: 200, random: seeded() });
    const [again] = bradleyTerry(table, { baseline: "gpt-4", bootstrapRounds: 200, random: seeded() });
    expect(first!.interval).toEqual(again!.interval);
    const [low, high] = first!.interval!;
    expect(low).toBeLessThanOrEqual(first!.winRate);
    expect(high).toBeGreaterThanOrEqual(first!.winRate);
    expect(high).toBeGreaterThan(low);
  });
});
