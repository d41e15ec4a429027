import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { normalizeWorkload } from "../../src/scheduling/normalizeWorkload.js";
import { loadWorkload } from "../../src/scheduling/loadWorkload.js";
import type { WorkloadInput } from "../../src/scheduling/workloadSchema.js";
import { threeModels } from "./workloadFixture.js";

const base: WorkloadInput = {
  workers: [{ name: "w1" }, { name: "w2", capacity: 2, speed: 2 }],
  experts: threeModels,
  aggregator: { expert: "G", skipProbability: 0.25 },
  queries: [{ experts: ["A", "B"] }, { id: "bulk", experts: ["B"], count: 3 }],
};

function issuesOf(workload: unknown): Array<{ path: string; message: string }> {
  try {
    normalizeWorkload({ workload });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("normalizeWorkload", () => {
  it("fills worker defaults: capacity 1, speed 1", () => {
    const problem = normalizeWorkload({ workload: base });
    expect(problem.workers.map((w) => [w.capacity, w.speed])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it("expands count into numbered queries, and numbers unnamed ones by position", () => {
    const problem = normalizeWorkload({ workload: base });
    expect(problem.queries.map((q) => q.id)).toEqual(["q1", "bulk-1", "bulk-2", "bulk-3"]);
  });

  it("gives every query the workload's aggregator and skip probability", () => {
    const problem = normalizeWorkload({ workload: base });
    expect(problem.queries.every((q) => q.aggregator === 2 && q.skipProbability === 0.25)).toBe(true);
  });

  it("turns the token form of a service time into its mean", () => {
    const problem = normalizeWorkload({
      workload: {
        ...base,
        experts: [
          ...threeModels,
          {
            name: "R",
            loadSeconds: 0,
            service: { prefillSeconds: 0.5, secondsPerOutputToken: 0.02, outputTokens: { mean: 3000, sd: 100 } },
          },
        ],
      },
    });
    expect(problem.models[3]!.meanServiceSeconds).toBeCloseTo(60.5, 9);
  });

  it("takes per-worker load times from a map", () => {
    const experts = [{ ...threeModels[0]!, loadSeconds: { w1: 7, w2: 9 } }, threeModels[1]!, threeModels[2]!];
    expect(normalizeWorkload({ workload: { ...base, experts } }).models[0]!.loadSeconds).toEqual([7, 9]);
  });

  it("lets a model be replicated on every worker it fits on unless capped", () => {
    const problem = normalizeWorkload({ workload: base });
    expect(problem.models.map((m) => m.maxReplicas)).toEqual([2, 2, 2]);
  });

  it("reports an unknown expert with its field path and the known names", () => {
    const issues = issuesOf({ ...base, queries: [{ experts: ["A", "Z"] }] });
    expect(issues).toEqual([
      { path: "queries[0].experts[1]", message: 'unknown expert "Z"; add it to experts, or use one of "A", "B", "G"' },
    ]);
  });

  it("reports every problem at once", () => {
    const issues = issuesOf({
      ...base,
      workers: [{ name: "w1" }, { name: "w1" }],
      aggregator: { expert: "nope" },
      queries: [{ experts: ["A", "A"] }],
    });
    expect(issues.map((i) => i.path)).toEqual(["workers[1].name", "aggregator.expert", "queries[0].experts[1]"]);
  });

  it("requires a load time for every worker when loadSeconds is a map", () => {
    const experts = [{ ...threeModels[0]!, loadSeconds: { w1: 7, gpu9: 1 } }, threeModels[1]!, threeModels[2]!];
    expect(issuesOf({ ...base, experts }).map((i) => i.path)).toEqual(["experts[0].loadSeconds", "experts[0].loadSeconds.gpu9"]);
  });

  it("requires expert memory once a worker has a memory size", () => {
    const issues = issuesOf({ ...base, workers: [{ name: "w1", memoryGb: 24 }] });
    expect(issues[0]).toEqual({
      path: "experts[0].memoryGb",
      message: "required when a worker sets memoryGb: how much memory the loaded model takes",
    });
  });

  it("refuses a model that fits on no worker", () => {
    const experts = threeModels.map((e) => ({ ...e, memoryGb: e.name === "B" ? 80 : 8 }));
    const issues = issuesOf({
      ...base,
      workers: [
        { name: "w1", memoryGb: 24 },
        { name: "w2", memoryGb: 48 },
      ],
      experts,
    });
    expect(issues).toEqual([{ path: "experts[1].memoryGb", message: "80 GB fits on no worker (largest: 48 GB)" }]);
  });

  it("places a model only on workers it fits on", () => {
    const experts = threeModels.map((e) => ({ ...e, memoryGb: e.name === "B" ? 40 : 8 }));
    const problem = normalizeWorkload({
      workload: {
        ...base,
        workers: [
          { name: "w1", memoryGb: 24 },
          { name: "w2", memoryGb: 48 },
        ],
        experts,
      },
    });
    expect(problem.models[1]!.fitsOn).toEqual([1]);
  });

  it("refuses a replica cap above the workers a model fits on", () => {
    const experts = [{ ...threeModels[0]!, maxReplicas: 3 }, threeModels[1]!, threeModels[2]!];
    expect(issuesOf({ ...base, experts })).toEqual([
      { path: "experts[0].maxReplicas", message: "3 is more than the 2 worker(s) it fits on" },
    ]);
  });

  it("refuses a query id used twice", () => {
    const issues = issuesOf({
      ...base,
      queries: [
        { id: "x", experts: ["A"] },
        { id: "x", experts: ["B"] },
      ],
    });
    expect(issues).toEqual([{ path: "queries[1].id", message: 'query id "x" is already used by queries[0]; ids must be unique' }]);
  });

  it("reports schema problems with field paths", () => {
    const issues = issuesOf({ ...base, workers: [{ name: "w1", capacity: 0 }] });
    expect(issues[0]!.path).toBe("workers[0].capacity");
  });

  it("loads the documented example, a MOSAIC-shaped batch of 2000 queries", async () => {
    const { problem } = await loadWorkload({ file: new URL("../../examples/workload.yaml", import.meta.url).pathname });
    expect([problem.workers.length, problem.models.length, problem.queries.length]).toEqual([4, 7, 2000]);
  });
});
