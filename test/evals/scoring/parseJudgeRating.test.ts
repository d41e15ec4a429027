import { describe, expect, it } from "vitest";
import { parseJudgeRating } from "../../../evals/scoring/parseJudgeRating.js";

describe("parseJudgeRating", () => {
  it("reads [[n]], decimals included", () => {
    expect(parseJudgeRating("Correct and complete.\n\nRating: [[9]]")).toBe(9);
    expect(parseJudgeRating("Rating: [[ 7.5 ]]")).toBe(7.5);
  });

  it("falls back to [n] when there is no [[n]]", () => {
    expect(parseJudgeRating("Rating: [6]")).toBe(6);
  });

  it("takes the judge's last rating, not the format it quotes first", () => {
    expect(parseJudgeRating('Rate strictly following this format: "[[rating]]", e.g. [[5]]. ... My rating: [[3]]')).toBe(3);
  });

  it("prefers [[n]] over a later [n]", () => {
    expect(parseJudgeRating("Rating: [[8]] (see footnote [2])")).toBe(8);
  });

  it("counts a judgement without a rating, or with one outside 1..10, as unparsable", () => {
    expect(parseJudgeRating("I cannot evaluate this answer.")).toBeUndefined();
    expect(parseJudgeRating("Rating: [[rating]]")).toBeUndefined();
    expect(parseJudgeRating("Rating: [[11]]")).toBeUndefined();
    expect(parseJudgeRating("Rating: [[0]]")).toBeUndefined();
  });
});
