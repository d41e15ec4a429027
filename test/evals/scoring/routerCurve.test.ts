import { describe, expect, it } from "vitest";
import { summarizeRouterCurve } from "../../../evals/scoring/routerCurve.js";

describe("summarizeRouterCurve", () => {
  // Weak 0.6, strong 0.8; the router reaches 0.8 with half the calls strong.
  // AUC = 0.5 * (0.6 + 0.8) / 2 + 0.5 * (0.8 + 0.8) / 2 = 0.75; APGR = (0.75 - 0.6) / 0.2 = 0.75.
  const summary = summarizeRouterCurve({ points: [{ strongShare: 0.5, quality: 0.8 }], weakQuality: 0.6, strongQuality: 0.8 });

  it("computes the AUC and APGR of a hand-made curve", () => {
    expect(summary.auc).toBeCloseTo(0.75, 10);
    expect(summary.apgr).toBeCloseTo(0.75, 10);
  });

  it("finds the strong share for each fraction of the gap, between points", () => {
    // 50% of the gap is 0.7, reached a quarter of the way; 80% is 0.76, at 0.4.
    expect(summary.strongShareFor["50"]).toBeCloseTo(0.25, 10);
    expect(summary.strongShareFor["80"]).toBeCloseTo(0.4, 10);
    expect(summary.strongShareFor["20"]).toBeCloseTo(0.1, 10);
  });

  it("gives a random router an APGR of about 0.5", () => {
    const points = [0.25, 0.5, 0.75].map((share) => ({ strongShare: share, quality: 0.6 + 0.2 * share }));
    expect(summarizeRouterCurve({ points, weakQuality: 0.6, strongQuality: 0.8 }).apgr).toBeCloseTo(0.5, 10);
  });

  it("refuses models with no gap between them", () => {
    expect(() => summarizeRouterCurve({ points: [], weakQuality: 0.7, strongQuality: 0.7 })).toThrow(RangeError);
  });
});
