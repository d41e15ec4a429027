import { describe, expect, it } from "vitest";
import { dpScheduler } from "../../../src/scheduling/schedulers/dpScheduler.js";
import { problemOf, threeModels } from "../workloadFixture.js";

const workers = [{ name: "w0" }, { name: "w1" }, { name: "w2" }];

describe("dpScheduler", () => {
  it("splits each model's prompts evenly over every worker", async () => {
    const problem = problemOf({ workers, experts: threeModels, queries: [{ experts: ["A"], count: 10 }] });
    const schedule = await dpScheduler.schedule({ problem });
    expect(schedule.steps.map((steps) => steps.filter((s) => s.kind === "serve").length).sort()).toEqual([3, 3, 4]);
  });

  it("loads every model on every worker", async () => {
    const problem = problemOf({ workers, experts: threeModels, queries: [{ experts: ["A", "B"], count: 6 }] });
    const schedule = await dpScheduler.schedule({ problem });
    expect(schedule.steps.map((steps) => steps.filter((s) => s.kind === "load").length)).toEqual([2, 2, 2]);
  });

  it("keeps to a model's replica cap, on different workers for different models", async () => {
    const experts = threeModels.map((e) => ({ ...e, maxReplicas: 1 }));
    const problem = problemOf({ workers, experts, queries: [{ experts: ["A", "B"], count: 4 }] });
    const schedule = await dpScheduler.schedule({ problem });
    const placed = schedule.steps.map((steps) => steps.filter((s) => s.kind === "load").map((s) => s.model));
    expect(placed).toEqual([[0], [1], []]);
  });
});
