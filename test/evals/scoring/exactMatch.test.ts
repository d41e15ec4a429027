import { describe, expect, it } from "vitest";
import { gsm8kCorrect, mmluCorrect } from "../../../evals/scoring/exactMatch.js";

describe("gsm8kCorrect", () => {
  it("compares final numbers, whatever their formatting", () => {
    expect(
      gsm8kCorrect({ answer: "She pays 3 * 400 = 1200 dollars. The answer is $1,200.", gold: "3*400=<<3*400=1200>>1200\n#### 1,200" }),
    ).toBe(true);
    expect(gsm8kCorrect({ answer: "First 5, then 7. So 12.", gold: "#### 13" })).toBe(false);
  });

  it("refuses a gold answer without a number", () => {
    expect(() => gsm8kCorrect({ answer: "4", gold: "#### none" })).toThrow(RangeError);
  });
});

describe("mmluCorrect", () => {
  it("compares the answer's choice letter with the gold one", () => {
    expect(mmluCorrect({ answer: "B is tempting, but the answer is (D).", gold: "D" })).toBe(true);
    expect(mmluCorrect({ answer: "A", gold: "C" })).toBe(false);
    expect(mmluCorrect({ answer: "None of them.", gold: "A" })).toBe(false);
  });
});
