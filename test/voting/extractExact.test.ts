import { describe, expect, it } from "vitest";
import { normalizeExact } from "../../src/voting/extractExact.js";

describe("normalizeExact", () => {
  it("lower-cases, trims and collapses whitespace", () => {
    expect(normalizeExact("  New \n  York  City ")).toBe("new york city");
  });

  it('strips a leading "the answer is" and surrounding quotes and punctuation', () => {
    expect(normalizeExact('The answer is "Paris".')).toBe("paris");
    expect(normalizeExact("Answer: **Paris**!")).toBe("paris");
  });

  it('keeps "answer" when it is part of the answer', () => {
    expect(normalizeExact("answer the phone")).toBe("answer the phone");
  });

  it("unwraps one pair of enclosing brackets only", () => {
    expect(normalizeExact("(B)")).toBe("b");
    expect(normalizeExact("(a) or (b)")).toBe("(a) or (b)");
  });

  it("keeps a leading minus sign", () => {
    expect(normalizeExact("-5.")).toBe("-5");
  });

  it("returns undefined when nothing is left", () => {
    expect(normalizeExact(' "..." ')).toBeUndefined();
    expect(normalizeExact("The answer is:")).toBeUndefined();
  });
});
