import { describe, expect, it } from "vitest";
import { stageDemand } from "../../../src/scheduling/stageDemand.js";
import { buildIlpModel, columnsToPlan, planToColumns } from "../../../src/scheduling/schedulers/ilpModel.js";
import { tinyProblem } from "../helpers/tinyProblem.js";

describe("ilpModel", () => {
  const problem = tinyProblem({ queries: [{ experts: ["a", "g"], count: 5 }] });
  const demand = stageDemand({ problem });

  it("writes a keep variable only for models with work in both stages", () => {
    const { columns } = buildIlpModel({ problem, demand });
    expect(columns.filter((name) => name.startsWith("k_"))).toEqual(["k_2_0", "k_2_1"]);
  });

  it("reads back a plan with counts rounded to the demand and the kept model last, then first", () => {
    const values = new Map([
      ["y_0_0", 1],
      ["x_0_0", 2.9999999],
      ["y_0_1", 1],
      ["x_0_1", 2.0000001],
      ["y_2_1", 1],
      ["x_2_1", 5],
      ["z_2_1", 1],
      ["a_2_1", 5],
      ["k_2_1", 1],
    ]);
    expect(columnsToPlan({ problem, demand, values })).toEqual([
      { expert: [{ model: 0, count: 3 }], aggregator: [] },
      {
        expert: [
          { model: 0, count: 2 },
          { model: 2, count: 5 },
        ],
        aggregator: [{ model: 2, count: 5 }],
      },
    ]);
  });

  it("round-trips a plan through its column values", () => {
    const plan = [
      { expert: [{ model: 0, count: 5 }], aggregator: [] },
      { expert: [{ model: 2, count: 5 }], aggregator: [{ model: 2, count: 5 }] },
    ];
    const values = planToColumns({ plan, expertSeconds: 30, aggregatorSeconds: 15 });
    expect(columnsToPlan({ problem, demand, values })).toEqual(plan);
  });
});
