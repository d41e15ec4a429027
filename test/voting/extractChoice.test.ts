import { ConfigError } from "../../src/errors/ConfigError.js";
import { describe, expect, it } from "vitest";
import { choiceExtractor, extractChoice } from "../../src/voting/extractChoice.js";

describe("extractChoice", () => {
  it('reads "The answer is (B)"', () => {
    expect(extractChoice("The answer is (B).")).toBe("B");
  });

  it('reads a lower-case "Answer: b"', () => {
    expect(extractChoice("Answer: b")).toBe("B");
  });

  it("reads a bold letter", () => {
    expect(extractChoice("After weighing the options: **B**")).toBe("B");
  });

  it('reads "B) ..." at the start of a line', () => {
    expect(extractChoice("Looking at the options,\nB) 42 is the only even one")).toBe("B");
  });

  it('reads a bracketed "(C)"', () => {
    expect(extractChoice("I would go with (C)")).toBe("C");
  });

  it("reads a response that is only a letter", () => {
    expect(extractChoice(" d. ")).toBe("D");
  });

  it("ignores letters in ordinary prose", () => {
    expect(extractChoice("I think a dog would be a good pet.")).toBeUndefined();
    expect(extractChoice("A dog is a good pet.")).toBeUndefined();
  });

  it('ignores the article after "the answer is"', () => {
    expect(extractChoice("The answer is a matter of debate.")).toBeUndefined();
  });

  it('accepts an upper-case letter followed by a reason after "the answer is"', () => {
    expect(extractChoice("The answer is B because 2 + 2 = 4.")).toBe("B");
  });

  it('needs "is" or a colon after "answer"', () => {
    expect(extractChoice("To answer A's question, consider (C).")).toBe("C");
  });

  it("lets the last of several mentions win", () => {
    expect(extractChoice("(A) looks right at first, but (C) fits better.")).toBe("C");
  });

  it("lets a declaration win over later mentions", () => {
    expect(extractChoice("The answer is (B).\n\nWhy not the others:\nA) too small\nC) too large")).toBe("B");
  });

  it("lets the last declaration win", () => {
    expect(extractChoice("My first answer: A. On reflection, the answer is C.")).toBe("C");
  });

  it("ignores letters outside the choices", () => {
    expect(extractChoice("The answer is (E)")).toBeUndefined();
    expect(extractChoice("The answer is (E)", ["A", "B", "C", "D", "E"])).toBe("E");
  });

  it("returns undefined when no letter is given", () => {
    expect(extractChoice("None of these options is correct.")).toBeUndefined();
  });

  it("rejects choices that are not single letters", () => {
    expect(() => choiceExtractor(["A", "BB"])).toThrow(/choice extractor: choices: each choice must be a single letter, got "BB"/);
    expect(() => choiceExtractor([])).toThrow(ConfigError);
    expect(() => choiceExtractor([])).toThrow(/choices: expected at least one letter/);
  });
});
