import { describe, expect, it } from "vitest";
import { meanAndSd, median, roundMeasured, summariseTimings } from "../../../src/scheduling/profile/summariseTimings.js";
import type { CallTiming } from "../../../src/scheduling/profile/types.js";

const call = (over: Partial<CallTiming> = {}): CallTiming => ({
  loadSeconds: 0,
  prefillSeconds: 0.1,
  generateSeconds: 2,
  outputTokens: 100,
  promptTokens: 10,
  ...over,
});

describe("meanAndSd", () => {
  it("gives the sample standard deviation (n - 1)", () => {
    expect(meanAndSd([90, 110])).toEqual({ mean: 100, sd: Math.SQRT2 * 10 });
  });

  it("gives sd 0 for a single value", () => {
    expect(meanAndSd([42])).toEqual({ mean: 42, sd: 0 });
  });
});

describe("median", () => {
  it("averages the middle two of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("roundMeasured", () => {
  it("keeps 4 significant digits", () => {
    expect(roundMeasured(0.0123456)).toBe(0.01235);
  });
});

describe("summariseTimings", () => {
  it("takes the load time the first call reported", () => {
    const profile = summariseTimings({ calls: [call({ loadSeconds: 3.5 }), call({ loadSeconds: 0.01 })], loadFromFirstCall: "reported" });
    expect(profile.loadSeconds).toBe(3.5);
  });

  it("derives seconds per output token from total generating time over total tokens", () => {
    const calls = [call({ generateSeconds: 2, outputTokens: 100 }), call({ generateSeconds: 6, outputTokens: 300 })];
    expect(summariseTimings({ calls, loadFromFirstCall: "reported" }).service.secondsPerOutputToken).toBe(0.02);
  });

  it("gives the output tokens' mean and sample sd", () => {
    const calls = [call({ outputTokens: 90 }), call({ outputTokens: 110 })];
    expect(summariseTimings({ calls, loadFromFirstCall: "reported" }).service.outputTokens).toEqual({ mean: 100, sd: 14.14 });
  });

  it("averages prefill over every call when the load time is reported apart", () => {
    const calls = [call({ prefillSeconds: 0.3 }), call({ prefillSeconds: 0.1 })];
    expect(summariseTimings({ calls, loadFromFirstCall: "reported" }).service.prefillSeconds).toBe(0.2);
  });

  it("estimates load as the first call's extra prefill over the median of the others", () => {
    const calls = [
      call({ prefillSeconds: 2.1 }),
      call({ prefillSeconds: 0.1 }),
      call({ prefillSeconds: 0.12 }),
      call({ prefillSeconds: 0.08 }),
    ];
    const profile = summariseTimings({ calls, loadFromFirstCall: "estimate" });
    expect([profile.loadSeconds, profile.loadEstimated, profile.service.prefillSeconds]).toEqual([2, true, 0.1]);
  });

  it("estimates no load time from a single call", () => {
    expect(summariseTimings({ calls: [call({ prefillSeconds: 2 })], loadFromFirstCall: "estimate" }).loadSeconds).toBe(0);
  });
});
