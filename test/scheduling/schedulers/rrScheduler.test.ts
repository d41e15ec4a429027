import { describe, expect, it } from "vitest";
import { rrScheduler } from "../../../src/scheduling/schedulers/rrScheduler.js";
import { simulateSchedule } from "../../../src/scheduling/simulateSchedule.js";
import { problemOf, threeModels } from "../workloadFixture.js";

describe("rrScheduler", () => {
  it("gives models to workers in turn, each loaded once", async () => {
    const problem = problemOf({
      workers: [{ name: "w0" }, { name: "w1" }],
      experts: threeModels,
      aggregator: { expert: "G" },
      queries: [{ experts: ["A", "B"], count: 3 }],
    });
    const schedule = await rrScheduler.schedule({ problem });
    const loads = schedule.steps.map((steps) => steps.filter((s) => s.kind === "load").map((s) => problem.models[s.model]!.name));
    expect(loads).toEqual([["A", "G"], ["B"]]);
  });

  it("skips a worker a model does not fit on", async () => {
    const experts = threeModels.map((e) => ({ ...e, memoryGb: e.name === "A" ? 8 : 30 }));
    const problem = problemOf({
      workers: [
        { name: "small", memoryGb: 16 },
        { name: "big", memoryGb: 48 },
      ],
      experts,
      queries: [{ experts: ["A", "B"] }],
    });
    const schedule = await rrScheduler.schedule({ problem });
    expect(schedule.steps[1]!.filter((s) => s.kind === "load").map((s) => s.model)).toEqual([1]);
  });

  it("serves a worker's experts before its aggregator prompts", async () => {
    const problem = problemOf({
      workers: [{ name: "w0" }],
      experts: threeModels,
      aggregator: { expert: "G" },
      queries: [{ experts: ["A"], count: 2 }],
    });
    const schedule = await rrScheduler.schedule({ problem });
    const stages = schedule.steps[0]!.flatMap((s) => (s.kind === "serve" ? [s.stage] : []));
    expect(stages).toEqual(["expert", "expert", "aggregator", "aggregator"]);
    expect(simulateSchedule({ problem, schedule }).makespanSeconds).toBe(10 + 4 + 1 + 8);
  });
});
