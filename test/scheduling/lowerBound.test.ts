import { describe, expect, it } from "vitest";
import { lowerBound } from "../../src/scheduling/lowerBound.js";
import { problemOf, threeModels } from "./workloadFixture.js";

describe("lowerBound", () => {
  it("spreads all work and one load per used model over the workers' total speed", () => {
    // Work: A 10 x 2 + B 10 x 3 = 50 s, loads 10 + 5; two workers of speed 1: (50 + 15) / 2.
    const problem = problemOf({
      workers: [{ name: "w0" }, { name: "w1" }],
      experts: threeModels,
      queries: [{ experts: ["A", "B"], count: 10 }],
    });
    expect(lowerBound({ problem })).toEqual({ seconds: 32.5, binding: "work" });
  });

  it("is at least one query's slowest expert with its load, then its aggregator", () => {
    // A: 10 + 2, B: 5 + 3, so 12; then G's 4 s, half the time skipped: 12 + 2.
    const problem = problemOf({
      workers: [{ name: "w0" }, { name: "w1" }, { name: "w2" }, { name: "w3" }],
      experts: threeModels,
      aggregator: { expert: "G", skipProbability: 0.5 },
      queries: [{ experts: ["A", "B"] }],
    });
    expect(lowerBound({ problem })).toEqual({ seconds: 14, binding: "chain" });
  });

  it("is at least one model's load and work on as many workers as it may use", () => {
    const experts = [{ ...threeModels[0]!, maxReplicas: 1 }, threeModels[1]!, threeModels[2]!];
    const problem = problemOf({
      workers: [{ name: "w0" }, { name: "w1" }, { name: "w2" }],
      experts,
      queries: [{ experts: ["A"], count: 30 }],
    });
    expect(lowerBound({ problem })).toEqual({ seconds: 70, binding: "model" });
  });

  it("bounds each stage of a model on its own, since its replica cap holds per stage", () => {
    // g is an expert and the aggregator of 20 queries, one worker per stage: 1 s load + 20 x 10 s.
    const experts = [
      { name: "g", loadSeconds: 1, maxReplicas: 1, service: { meanSeconds: 10 } },
      { name: "h", loadSeconds: 1, service: { meanSeconds: 1 } },
    ];
    const problem = problemOf({
      workers: [{ name: "a" }, { name: "b" }, { name: "c" }],
      experts,
      aggregator: { expert: "g" },
      queries: [{ experts: ["g", "h"], count: 20 }],
    });
    expect(lowerBound({ problem })).toEqual({ seconds: 201, binding: "model" });
  });

  it("counts a faster worker as more capacity", () => {
    const problem = problemOf({
      workers: [{ name: "w0" }, { name: "w1", speed: 3 }],
      experts: threeModels,
      queries: [{ experts: ["A"], count: 40 }],
    });
    // A's load, then its 80 s of work at a total speed of 4 (the work bound, (80 + 10) / 4, is lower).
    expect(lowerBound({ problem })).toEqual({ seconds: 30, binding: "model" });
  });
});
