import { describe, expect, it } from "vitest";
import { sweepRouter } from "../../../evals/replay/sweepRouter.js";

describe("sweepRouter", () => {
  it("gives the accuracy at each threshold, most-preferred items sent to the strong model first", () => {
    const points = sweepRouter([
      { score: 3, strongCorrect: true, weakCorrect: false },
      { score: 2, strongCorrect: true, weakCorrect: true },
      { score: 1, strongCorrect: false, weakCorrect: true },
      { score: 0, strongCorrect: true, weakCorrect: false },
    ]);
    // Always weak: items 2 and 3 right (2/4). Then each item switches to the strong model's grade in turn.
    expect(points).toEqual([
      { strongShare: 0, quality: 0.5 },
      { strongShare: 0.25, quality: 0.75 },
      { strongShare: 0.5, quality: 0.75 },
      { strongShare: 0.75, quality: 0.5 },
      { strongShare: 1, quality: 0.75 },
    ]);
  });

  it("moves items with equal scores together", () => {
    const points = sweepRouter([
      { score: 1, strongCorrect: true, weakCorrect: false },
      { score: 1, strongCorrect: true, weakCorrect: false },
      { score: 0, strongCorrect: false, weakCorrect: false },
    ]);
    expect(points.map((point) => point.strongShare)).toEqual([0, 2 / 3, 1]);
  });
});
