import { describe, expect, it } from "vitest";
import { plannedMakespan } from "../../../src/scheduling/plannedMakespan.js";
import { lptPlan, lptScheduler } from "../../../src/scheduling/schedulers/lptScheduler.js";
import { checkSchedule } from "../helpers/checkSchedule.js";
import { randomProblem } from "../helpers/randomProblem.js";
import { tinyProblem } from "../helpers/tinyProblem.js";

describe("lptScheduler", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("returns a valid schedule on random instance %i", async (seed) => {
    const problem = randomProblem({
      seed,
      workers: 1 + (seed % 4),
      models: 2 + (seed % 5),
      queries: 40 + seed * 10,
      maxExperts: 3,
      memory: seed % 2 === 0,
    });
    const schedule = await lptScheduler.schedule({ problem });
    expect(checkSchedule({ problem, schedule })).toEqual([]);
  });

  it("loads each model once when one worker holds everything", async () => {
    const problem = randomProblem({ seed: 9, workers: 1, models: 5, queries: 60, maxExperts: 3 });
    const schedule = await lptScheduler.schedule({ problem });
    const loads = schedule.steps[0]!.filter((step) => step.kind === "load").map((step) => step.model);
    expect(new Set(loads).size).toBe(loads.length);
  });

  it("splits a model over two workers only when that saves more than a load", () => {
    const many = tinyProblem({ queries: [{ experts: ["a"], count: 40 }] });
    const few = tinyProblem({ queries: [{ experts: ["a"], count: 2 }] });
    const replicas = (problem: typeof many) => lptPlan({ problem }).filter((w) => w.expert.length > 0).length;
    expect([replicas(many), replicas(few)]).toEqual([2, 1]);
  });

  it("gives the faster worker more of a split model's prompts", () => {
    const problem = tinyProblem({ queries: [{ experts: ["a"], count: 40 }] });
    const [slow, fast] = lptPlan({ problem }).map((w) => w.expert[0]?.count ?? 0);
    expect(fast).toBeGreaterThan(slow!);
  });

  it("keeps the aggregator resident from the expert stage when it also serves as an expert there", () => {
    const problem = tinyProblem({ queries: [{ experts: ["g"], count: 3 }] });
    const plan = lptPlan({ problem });
    const worker = plan.find((w) => w.expert.length > 0)!;
    expect([worker.expert.at(-1)?.model, worker.aggregator[0]?.model]).toEqual([2, 2]);
    // On the fast worker: 3 aggregations of 6 s at speed 2, and no second 8 s load.
    expect(plannedMakespan({ problem, plan }).aggregatorSeconds).toBe(9);
  });
});
