import { describe, expect, it } from "vitest";
import { plannedMakespan } from "../../src/scheduling/plannedMakespan.js";
import { tinyProblem } from "./helpers/tinyProblem.js";

describe("plannedMakespan", () => {
  const problem = tinyProblem({ queries: [{ experts: ["a", "g"], count: 4 }] });

  it("adds the longest expert stage and the longest aggregator stage, dividing service by speed", () => {
    const plan = [
      { expert: [{ model: 0, count: 4 }], aggregator: [] },
      { expert: [{ model: 2, count: 4 }], aggregator: [{ model: 2, count: 4 }] },
    ];
    // slow: 10 + 4*4 = 26; fast: 8 + 4*6/2 = 20; aggregator on fast, g kept: 0 + 4*6/2 = 12.
    expect(plannedMakespan({ problem, plan })).toEqual({ expertSeconds: 26, aggregatorSeconds: 12, seconds: 38 });
  });

  it("counts the aggregator's load when it is not the worker's last expert model", () => {
    const plan = [
      { expert: [{ model: 0, count: 4 }], aggregator: [{ model: 2, count: 4 }] },
      { expert: [{ model: 2, count: 4 }], aggregator: [] },
    ];
    // slow: aggregator 8 + 4*6 = 32.
    expect(plannedMakespan({ problem, plan }).aggregatorSeconds).toBe(32);
  });
});
