import { describe, expect, it } from "vitest";
import { parsePairwiseVerdict, swapVerdict } from "../../../evals/scoring/pairwiseVerdict.js";

describe("parsePairwiseVerdict", () => {
  it("reads the last verdict label", () => {
    expect(parsePairwiseVerdict("Labels: [[A>>B]] ... [[B>A]]. My final verdict is [[A=B]]")).toBe("A=B");
  });

  it("reads labels written the other way round", () => {
    expect(parsePairwiseVerdict("[[A<<B]]")).toBe("B>>A");
    expect(parsePairwiseVerdict("[[B<A]]")).toBe("A>B");
  });

  it("gives undefined without a label", () => {
    expect(parsePairwiseVerdict("Both are fine.")).toBeUndefined();
  });
});

describe("swapVerdict", () => {
  it("reads a swapped game back in the first game's terms", () => {
    expect(swapVerdict("A>>B")).toBe("B>>A");
    expect(swapVerdict("B>A")).toBe("A>B");
    expect(swapVerdict("A=B")).toBe("A=B");
  });
});
