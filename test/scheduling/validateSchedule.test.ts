import { describe, expect, it } from "vitest";
import { validateSchedule } from "../../src/scheduling/validateSchedule.js";
import type { Schedule, ScheduleStep } from "../../src/scheduling/types.js";
import { problemOf, threeModels } from "./workloadFixture.js";

const load = (model: number): ScheduleStep => ({ kind: "load", model });
const expert = (model: number, query: number): ScheduleStep => ({ kind: "serve", model, query, stage: "expert" });
const scheduleOf = (...steps: ScheduleStep[][]): Schedule => ({ scheduler: "hand", steps, solveSeconds: 0 });
const twoWorkers = [{ name: "w0" }, { name: "w1" }];

describe("validateSchedule", () => {
  it("accepts a schedule that serves everything once, resident", () => {
    const problem = problemOf({ workers: twoWorkers, experts: threeModels, queries: [{ experts: ["A", "B"] }] });
    expect(validateSchedule({ problem, schedule: scheduleOf([load(0), expert(0, 0)], [load(1), expert(1, 0)]) })).toEqual([]);
  });

  it("finds a prompt served twice", () => {
    const problem = problemOf({ workers: twoWorkers, experts: threeModels, queries: [{ experts: ["A"] }] });
    expect(validateSchedule({ problem, schedule: scheduleOf([load(0), expert(0, 0)], [load(0), expert(0, 0)]) })).toEqual([
      "query q1: expert A served 2 times, expected once",
    ]);
  });

  it("finds an aggregator left out", () => {
    const problem = problemOf({ workers: twoWorkers, experts: threeModels, aggregator: { expert: "G" }, queries: [{ experts: ["A"] }] });
    expect(validateSchedule({ problem, schedule: scheduleOf([load(0), expert(0, 0)], []) })).toEqual([
      "query q1: aggregator G scheduled 0 times, expected once",
    ]);
  });

  it("finds a prompt served by a model the query was not routed to", () => {
    const problem = problemOf({ workers: twoWorkers, experts: threeModels, queries: [{ experts: ["A"] }] });
    const problems = validateSchedule({ problem, schedule: scheduleOf([load(0), expert(0, 0), load(1), expert(1, 0)], []) });
    expect(problems[0]).toBe("worker w0 step 3: query q1 has no expert B");
  });

  it("finds a model served where it is not resident", () => {
    const problem = problemOf({ workers: twoWorkers, experts: threeModels, queries: [{ experts: ["A"] }] });
    expect(validateSchedule({ problem, schedule: scheduleOf([expert(0, 0)], []) })).toEqual([
      "worker w0 step 0: serves A, which is not resident",
    ]);
  });

  it("finds a model placed on more workers than its replica cap", () => {
    const experts = [{ ...threeModels[0]!, maxReplicas: 1 }, threeModels[1]!, threeModels[2]!];
    const problem = problemOf({ workers: twoWorkers, experts, queries: [{ experts: ["A"], count: 2 }] });
    expect(validateSchedule({ problem, schedule: scheduleOf([load(0), expert(0, 0)], [load(0), expert(0, 1)]) })).toEqual([
      "A serves expert prompts on 2 workers, more than its 1 replicas",
    ]);
  });

  it("finds a model loaded on a worker it does not fit on", () => {
    const experts = threeModels.map((e) => ({ ...e, memoryGb: e.name === "A" ? 40 : 8 }));
    const problem = problemOf({
      workers: [
        { name: "w0", memoryGb: 24 },
        { name: "w1", memoryGb: 48 },
      ],
      experts,
      queries: [{ experts: ["A"] }],
    });
    expect(validateSchedule({ problem, schedule: scheduleOf([load(0), expert(0, 0)], []) })).toEqual([
      "worker w0 step 0: A does not fit on w0",
    ]);
  });
});
