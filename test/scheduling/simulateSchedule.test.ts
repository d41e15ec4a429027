import { describe, expect, it } from "vitest";
import { simulateSchedule } from "../../src/scheduling/simulateSchedule.js";
import type { Schedule, ScheduleStep } from "../../src/scheduling/types.js";
import { problemOf, threeModels } from "./workloadFixture.js";

const A = 0;
const B = 1;
const G = 2;
const load = (model: number): ScheduleStep => ({ kind: "load", model });
const expert = (model: number, query: number): ScheduleStep => ({ kind: "serve", model, query, stage: "expert" });
const aggregate = (query: number): ScheduleStep => ({ kind: "serve", model: G, query, stage: "aggregator" });
const scheduleOf = (...steps: ScheduleStep[][]): Schedule => ({ scheduler: "hand", steps, solveSeconds: 0 });

describe("simulateSchedule", () => {
  it("adds loads and prompts on one worker: 10 + 2 + 2 + 5 + 3 = 22 s", () => {
    const problem = problemOf({ workers: [{ name: "w" }], experts: threeModels, queries: [{ experts: ["A"] }, { experts: ["A", "B"] }] });
    const result = simulateSchedule({ problem, schedule: scheduleOf([load(A), expert(A, 0), expert(A, 1), load(B), expert(B, 1)]) });
    expect([result.makespanSeconds, result.loads, result.workers[0]!.busySeconds]).toEqual([22, 2, 7]);
  });

  it("starts an aggregator when its query's last expert ends, on another worker", () => {
    const problem = problemOf({
      workers: [{ name: "w0" }, { name: "w1" }],
      experts: threeModels,
      aggregator: { expert: "G" },
      queries: [{ experts: ["A"] }],
    });
    const result = simulateSchedule({ problem, schedule: scheduleOf([load(A), expert(A, 0)], [load(G), aggregate(0)]) });
    // A answers at 10 + 2 = 12; G, loaded at 1, waits 11 s, then takes 4 s.
    expect([result.makespanSeconds, result.expertStageSeconds, result.aggregatorStageSeconds, result.workers[1]!.idleSeconds]).toEqual([
      16, 12, 4, 11,
    ]);
  });

  it("takes no time for an aggregator the gate skips", () => {
    const problem = problemOf({
      workers: [{ name: "w0" }, { name: "w1" }],
      experts: threeModels,
      aggregator: { expert: "G", skipProbability: 1 },
      queries: [{ experts: ["A"] }],
    });
    const result = simulateSchedule({ problem, schedule: scheduleOf([load(A), expert(A, 0)], [load(G), aggregate(0)]) });
    expect([result.makespanSeconds, result.skippedAggregators, result.workers[1]!.prompts]).toEqual([12, 1, 0]);
  });

  it("divides service times, not load times, by the worker's speed", () => {
    const problem = problemOf({
      workers: [{ name: "fast", speed: 2 }],
      experts: threeModels,
      queries: [{ experts: ["A"] }, { experts: ["A"] }],
    });
    const result = simulateSchedule({ problem, schedule: scheduleOf([load(A), expert(A, 0), expert(A, 1)]) });
    expect(result.makespanSeconds).toBe(12);
  });

  it("charges nothing for loading a model that is still resident", () => {
    const problem = problemOf({ workers: [{ name: "w" }], experts: threeModels, queries: [{ experts: ["A"] }, { experts: ["A"] }] });
    const result = simulateSchedule({ problem, schedule: scheduleOf([load(A), expert(A, 0), load(A), expert(A, 1)]) });
    expect([result.makespanSeconds, result.loads]).toEqual([14, 1]);
  });

  it("evicts the least recently used model when a worker of capacity 1 loads another", () => {
    const problem = problemOf({ workers: [{ name: "w" }], experts: threeModels, queries: [{ experts: ["A", "B"] }] });
    const schedule = scheduleOf([load(A), load(B), expert(A, 0), expert(B, 0)]);
    expect(() => simulateSchedule({ problem, schedule })).toThrow(/serves A, which is not resident/);
  });

  it("keeps two models resident on a worker of capacity 2", () => {
    const problem = problemOf({ workers: [{ name: "w", capacity: 2 }], experts: threeModels, queries: [{ experts: ["A", "B"] }] });
    const result = simulateSchedule({ problem, schedule: scheduleOf([load(A), load(B), expert(A, 0), expert(B, 0)]) });
    expect(result.makespanSeconds).toBe(20);
  });

  it("evicts by memory when the models loaded would not fit together", () => {
    const experts = threeModels.map((e) => ({ ...e, memoryGb: 16 }));
    const problem = problemOf({ workers: [{ name: "w", capacity: 4, memoryGb: 24 }], experts, queries: [{ experts: ["A", "B"] }] });
    const schedule = scheduleOf([load(A), load(B), expert(A, 0), expert(B, 0)]);
    expect(() => simulateSchedule({ problem, schedule })).toThrow(/not resident/);
  });

  it("reports a schedule whose aggregator waits on an expert queued behind it", () => {
    const problem = problemOf({
      workers: [{ name: "w", capacity: 2 }],
      experts: threeModels,
      aggregator: { expert: "G" },
      queries: [{ experts: ["A"] }],
    });
    const schedule = scheduleOf([load(G), load(A), aggregate(0), expert(A, 0)]);
    expect(() => simulateSchedule({ problem, schedule })).toThrow(/waits forever at step 2: query q1's aggregator/);
  });

  it("refuses a schedule that leaves out a query's expert", () => {
    const problem = problemOf({ workers: [{ name: "w" }], experts: threeModels, queries: [{ experts: ["A", "B"] }] });
    expect(() => simulateSchedule({ problem, schedule: scheduleOf([load(A), expert(A, 0)]) })).toThrow(
      /expert B served 0 times, expected once/,
    );
  });

  it("gives the same result for the same seed, and another for another seed", () => {
    const experts = threeModels.map((e) => ({ ...e, service: { meanSeconds: 2, distribution: "exponential" as const } }));
    const problem = problemOf({ workers: [{ name: "w" }], experts, queries: [{ experts: ["A"], count: 20 }] });
    const schedule = scheduleOf([load(A), ...problem.queries.map((_, q) => expert(A, q))]);
    const run = (seed: number) => simulateSchedule({ problem, schedule, seed }).makespanSeconds;
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  it("reports when each query's reply is ready", () => {
    const problem = problemOf({ workers: [{ name: "w" }], experts: threeModels, queries: [{ experts: ["A"] }, { experts: ["A"] }] });
    const result = simulateSchedule({ problem, schedule: scheduleOf([load(A), expert(A, 1), expert(A, 0)]) });
    expect(result.queryEndSeconds).toEqual([14, 12]);
  });
});
