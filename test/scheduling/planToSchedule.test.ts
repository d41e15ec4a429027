import { describe, expect, it } from "vitest";
import { planToSchedule } from "../../src/scheduling/planToSchedule.js";
import { tinyProblem } from "./helpers/tinyProblem.js";

describe("planToSchedule", () => {
  it("loads each placed model once, then serves its queries in ascending index, experts before aggregators", () => {
    const problem = tinyProblem({ queries: [{ experts: ["a"], count: 2 }] });
    const steps = planToSchedule({
      problem,
      plan: [
        { expert: [{ model: 0, count: 2 }], aggregator: [{ model: 2, count: 2 }] },
        { expert: [], aggregator: [] },
      ],
    });
    expect(steps).toEqual([
      [
        { kind: "load", model: 0 },
        { kind: "serve", model: 0, query: 0, stage: "expert" },
        { kind: "serve", model: 0, query: 1, stage: "expert" },
        { kind: "load", model: 2 },
        { kind: "serve", model: 2, query: 0, stage: "aggregator" },
        { kind: "serve", model: 2, query: 1, stage: "aggregator" },
      ],
      [],
    ]);
  });

  it("omits the load of a model still resident from the expert stage", () => {
    const problem = tinyProblem({ queries: [{ experts: ["a", "g"] }], capacity: 2 });
    const [steps] = planToSchedule({
      problem,
      plan: [
        {
          expert: [
            { model: 2, count: 1 },
            { model: 0, count: 1 },
          ],
          aggregator: [{ model: 2, count: 1 }],
        },
        { expert: [], aggregator: [] },
      ],
    });
    expect(steps!.filter((step) => step.kind === "load")).toEqual([
      { kind: "load", model: 2 },
      { kind: "load", model: 0 },
    ]);
  });

  it("deals a model's queries so that early queries finish early on every replica", () => {
    const problem = tinyProblem({ queries: [{ experts: ["a"], count: 6 }] });
    const steps = planToSchedule({
      problem,
      plan: [
        { expert: [{ model: 0, count: 2 }], aggregator: [] },
        { expert: [{ model: 0, count: 4 }], aggregator: [{ model: 2, count: 6 }] },
      ],
    });
    const served = steps.map((list) => list.flatMap((step) => (step.kind === "serve" && step.stage === "expert" ? [step.query] : [])));
    // Both start after a 10 s load; the fast worker finishes a prompt every 2 s, the slow one every 4 s.
    expect(served).toEqual([
      [1, 4],
      [0, 2, 3, 5],
    ]);
  });

  it("refuses a plan whose counts do not add up to the demand", () => {
    const problem = tinyProblem({ queries: [{ experts: ["a"], count: 3 }] });
    expect(() =>
      planToSchedule({
        problem,
        plan: [
          { expert: [{ model: 0, count: 2 }], aggregator: [{ model: 2, count: 3 }] },
          { expert: [], aggregator: [] },
        ],
      }),
    ).toThrow(/serves 2 expert prompts of model 0, but 3 need it/);
  });
});
