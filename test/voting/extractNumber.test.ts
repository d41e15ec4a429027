import { describe, expect, it } from "vitest";
import { extractNumber } from "../../src/voting/extractNumber.js";

describe("extractNumber", () => {
  it("takes the number after ####", () => {
    expect(extractNumber("She sells 9 eggs for $2 each: 9 * 2 = <<9*2=18>>18.\n#### 72")).toBe("72");
  });

  it("prefers #### over a later number", () => {
    expect(extractNumber("#### 18\n\n(Note: she eats 3 of the 16 eggs.)")).toBe("18");
  });

  it("reads \\boxed{}", () => {
    expect(extractNumber("So the total is \\boxed{42}, not 40.")).toBe("42");
  });

  it("reads \\boxed{} with nested braces", () => {
    expect(extractNumber("\\boxed{\\$1{,}200} after 3 steps")).toBe("1200");
    expect(extractNumber("\\boxed{\\text{1200}} after 3 steps")).toBe("1200");
  });

  it('reads "the answer is n" even when other numbers follow', () => {
    expect(extractNumber("The answer is 42, since 6 * 7 = 42 and 41 is too small.")).toBe("42");
  });

  it('reads "answer: n" with currency and bold', () => {
    expect(extractNumber("Final answer: **$1,200**. Check: 3 payments.")).toBe("1200");
  });

  it('skips an "answer is" followed by an expression and falls back to the last number', () => {
    expect(extractNumber("so the correct answer is 66 - 10 = <<66-10=56>>56 students")).toBe("56");
  });

  it('looks past an "answer is" without a number on the same line', () => {
    expect(extractNumber("The answer is not 5; the answer is 7 today, says 3 of them")).toBe("7");
  });

  it("falls back to the last number", () => {
    expect(extractNumber("He runs 3 * 60 = 180 meters per session, so 540 meters a week.")).toBe("540");
  });

  it("keeps a minus sign", () => {
    expect(extractNumber("Jackie ends up -12 dollars ahead")).toBe("-12");
    expect(extractNumber("The answer is -12.")).toBe("-12");
  });

  it("keeps a minus sign after a currency symbol", () => {
    expect(extractNumber("$90 - $105 = $-15 ahead")).toBe("-15");
  });

  it("reads the Unicode minus sign", () => {
    expect(extractNumber("It is −5 degrees")).toBe("-5");
  });

  it("treats a minus between numbers as subtraction", () => {
    expect(extractNumber("16 - 7")).toBe("7");
    expect(extractNumber("16-7")).toBe("7");
  });

  it("removes thousands commas", () => {
    expect(extractNumber("He paid 1,234 in total")).toBe("1234");
    expect(extractNumber("about 12,345,678 people")).toBe("12345678");
  });

  it("does not read a list as one number", () => {
    expect(extractNumber("The sides are 3,4 and 5")).toBe("5");
    expect(extractNumber("pick from 1, 2, 3")).toBe("3");
  });

  it("drops currency and trailing zeros of the decimals", () => {
    expect(extractNumber("It costs $1,200.50")).toBe("1200.5");
    expect(extractNumber("It costs $1,200.00")).toBe("1200");
    expect(extractNumber("each is 3.50")).toBe("3.5");
  });

  it("ignores a sentence-ending period", () => {
    expect(extractNumber("So she makes 18.")).toBe("18");
  });

  it("drops a percent sign", () => {
    expect(extractNumber("The increase was 45%")).toBe("45");
  });

  it("strips leading zeros and the sign of zero", () => {
    expect(extractNumber("agent 007")).toBe("7");
    expect(extractNumber("-0.0")).toBe("0");
  });

  it("ignores digits inside words", () => {
    expect(extractNumber("Use the x2 lens, 3 times")).toBe("3");
    expect(extractNumber("model x2")).toBeUndefined();
  });

  it("returns undefined when there is no number", () => {
    expect(extractNumber("I cannot determine that from the information given.")).toBeUndefined();
    expect(extractNumber("")).toBeUndefined();
  });
});
