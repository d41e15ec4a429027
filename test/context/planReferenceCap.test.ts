import { describe, expect, it } from "vitest";
import { planReferenceCap } from "../../src/context/planReferenceCap.js";

describe("planReferenceCap", () => {
  it("cuts nothing when the references fit", () => {
    expect(planReferenceCap([100, 200], 300, 10)).toBe(Infinity);
  });

  it("cuts the longest reference first, down to the next longest, keeping short ones whole", () => {
    // 1000 + 100 + 300 = 1400 > 700: only the 1000 is cut, to 300.
    expect(planReferenceCap([1000, 100, 300], 700, 50)).toBe(300);
  });

  it("cuts the longest references together once they are level", () => {
    // Cap 250: min(1000, 250) + 100 + min(300, 250) = 600 <= 600.
    expect(planReferenceCap([1000, 100, 300], 600, 50)).toBe(250);
  });

  it("returns the largest cap that fits", () => {
    const sizes = [523, 77, 981, 402];
    const cap = planReferenceCap(sizes, 1200, 20)!;
    const total = (c: number) => sizes.reduce((s, n) => s + Math.min(n, c), 0);
    expect(total(cap)).toBeLessThanOrEqual(1200);
    expect(total(cap + 1)).toBeGreaterThan(1200);
  });

  it("gives up when every reference at the floor still does not fit", () => {
    expect(planReferenceCap([1000, 1000], 80, 50)).toBeUndefined();
  });

  it("counts a reference shorter than the floor at its own size", () => {
    // Floor 50: 10 + 50 = 60 fits in 60.
    expect(planReferenceCap([10, 1000], 60, 50)).toBe(50);
  });
});
