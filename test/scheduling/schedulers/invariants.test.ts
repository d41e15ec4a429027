import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { schedulers } from "../../../src/scheduling/schedulers/index.js";
import { lowerBound } from "../../../src/scheduling/lowerBound.js";
import { simulateSchedule } from "../../../src/scheduling/simulateSchedule.js";
import type { SchedulingProblem } from "../../../src/scheduling/types.js";
import { validateSchedule } from "../../../src/scheduling/validateSchedule.js";
import type { WorkloadInput } from "../../../src/scheduling/workloadSchema.js";
import { problemOf } from "../workloadFixture.js";

// Random instances with every constraint in play: capacities, memory, speeds, replica caps, per-worker
// load times, several aggregators, queries without one.
function randomProblem(seed: number, { constant = false } = {}): SchedulingProblem {
  const rng = xoroshiro128plus(seed);
  const int = (lo: number, hi: number) => uniformInt(rng, lo, hi);
  const workerCount = int(1, 4);
  const workers = Array.from({ length: workerCount }, (_, w) => ({
    name: `w${w}`,
    capacity: int(1, 3),
    memoryGb: int(16, 48),
    speed: int(1, 3),
  }));
  const modelCount = int(2, 6);
  const experts: WorkloadInput["experts"] = Array.from({ length: modelCount }, (_, m) => ({
    name: `m${m}`,
    loadSeconds: Object.fromEntries(workers.map((w) => [w.name, int(0, 40)])),
    service: constant
      ? { meanSeconds: int(1, 60) }
      : int(0, 1) === 0
        ? { meanSeconds: int(1, 60), distribution: "exponential" as const }
        : { prefillSeconds: 0.2, secondsPerOutputToken: 0.02, outputTokens: { mean: int(50, 3000), sd: 40 } },
    memoryGb: int(4, 16),
    ...(int(0, 2) === 0 ? { maxReplicas: 1 } : {}),
  }));
  const queries: WorkloadInput["queries"] = Array.from({ length: int(1, 40) }, () => {
    const chosen = [...new Set(Array.from({ length: int(1, 3) }, () => `m${int(0, modelCount - 1)}`))];
    const aggregator = int(0, 3) === 0 ? {} : { aggregator: `m${int(0, modelCount - 1)}` };
    return { experts: chosen, ...aggregator, skipProbability: constant ? 0 : int(0, 10) / 10 };
  });
  return problemOf({ workers, experts, queries });
}

// The ILP proves optimality slowly on some instances: fewer of them, each under a short limit (its
// fallback path is then exercised too).
const seedsOf = (name: string) => Array.from({ length: name === "ilp" ? 8 : 40 }, (_, i) => i + 1);
const limitOf = (name: string) => (name === "ilp" ? 1 : 5);

describe.each(schedulers.map((s) => [s.name, s] as const))("%s scheduler on random instances", (name, scheduler) => {
  const seeds = seedsOf(name);
  it("serves every prompt exactly once, only where its model is resident and fits, within replica caps, and every plan finishes", async () => {
    for (const seed of seeds) {
      const problem = randomProblem(seed);
      const schedule = await scheduler.schedule({ problem, timeLimitSeconds: limitOf(name) });
      expect({ seed, problems: validateSchedule({ problem, schedule }) }).toEqual({ seed, problems: [] });
      expect(() => simulateSchedule({ problem, schedule, seed })).not.toThrow();
    }
  }, 120_000);

  it("never ends before the lower bound when service times are constant and nothing is skipped", async () => {
    for (const seed of seeds) {
      const problem = randomProblem(seed, { constant: true });
      const schedule = await scheduler.schedule({ problem, timeLimitSeconds: limitOf(name) });
      const makespan = simulateSchedule({ problem, schedule, seed }).makespanSeconds;
      expect({ seed, belowBound: makespan < lowerBound({ problem }).seconds - 1e-9 }).toEqual({ seed, belowBound: false });
    }
  }, 120_000);
});
