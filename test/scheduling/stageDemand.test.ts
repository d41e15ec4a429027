import { describe, expect, it } from "vitest";
import { stageDemand } from "../../src/scheduling/stageDemand.js";
import { tinyProblem } from "./helpers/tinyProblem.js";

describe("stageDemand", () => {
  it("counts expert prompts per model and aggregator prompts per aggregator", () => {
    const problem = tinyProblem({ queries: [{ experts: ["a", "b"], count: 3 }, { experts: ["b"] }] });
    const demand = stageDemand({ problem });
    expect(demand.expertPrompts).toEqual([3, 4, 0]);
    expect(demand.aggregatorPrompts).toEqual([0, 0, 4]);
  });

  it("discounts an aggregator prompt by the mean chance its gate skips it", () => {
    const problem = tinyProblem({
      queries: [
        { experts: ["a"], skipProbability: 0.5 },
        { experts: ["a"], skipProbability: 0 },
      ],
    });
    expect(stageDemand({ problem }).aggregatorSecondsPerPrompt[2]).toBeCloseTo(6 * 0.75, 12);
  });
});
