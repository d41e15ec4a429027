import { describe, expect, it } from "vitest";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { normalizeWorkload } from "../../src/scheduling/normalizeWorkload.js";
import { routeWorkload } from "../../src/scheduling/routeWorkload.js";
import type { WorkloadInput } from "../../src/scheduling/workloadSchema.js";
import { threeModels } from "./workloadFixture.js";

const routed: WorkloadInput = {
  workers: [{ name: "w" }],
  experts: threeModels,
  routing: {
    router: {
      type: "rules",
      rules: [
        { category: "math", keywords: ["sum", "integral"] },
        { category: "code", patterns: ["\\bdef\\b"] },
      ],
    },
    categories: { math: ["A", "B"], code: ["B"], general: ["A"] },
    fallback: "general",
  },
  queries: [
    { prompt: "the sum of 2 and 3", count: 3 },
    { prompt: "fix def main()" },
    { prompt: "hello there" },
    { prompt: "listed already", experts: ["B"] },
  ],
};

async function problemOf(workload: WorkloadInput) {
  const result = await routeWorkload({ workload });
  return { problem: normalizeWorkload({ workload: result.workload }), summary: result.summary };
}

describe("routeWorkload", () => {
  it("gives each unrouted query the experts of the category its prompt is routed to", async () => {
    const { problem } = await problemOf(routed);
    expect(problem.queries.map((q) => q.experts.map((m) => problem.models[m]!.name).join("+"))).toEqual([
      "A+B",
      "A+B",
      "A+B",
      "B",
      "A",
      "B",
    ]);
  });

  it("counts the routed queries per category, copies included, and those sent to the fallback", async () => {
    const { summary } = await problemOf(routed);
    expect(summary).toEqual({ routed: 5, byCategory: { math: 3, code: 1, general: 1 }, fallbacks: 1 });
  });

  it("leaves a workload without routing as it is", async () => {
    const workload = { workers: [{ name: "w" }], experts: threeModels, queries: [{ experts: ["A"] }] };
    expect(await routeWorkload({ workload })).toEqual({ workload, summary: undefined, decisions: {} });
  });

  it("requires a prompt on a query it must route", async () => {
    await expect(routeWorkload({ workload: { ...routed, queries: [{ id: "x" }] } })).rejects.toThrow(
      /queries\[0\]\.prompt: required to route a query that does not list its experts/,
    );
  });

  it("refuses a category naming an unknown expert, with its field path", () => {
    const workload = {
      ...routed,
      routing: { ...routed.routing!, categories: { ...routed.routing!.categories, code: ["Z"] } },
      queries: [{ experts: ["A"] }],
    };
    expect(() => normalizeWorkload({ workload })).toThrow(ConfigError);
    expect(() => normalizeWorkload({ workload })).toThrow(/routing\.categories\.code\[0\]: unknown expert "Z"/);
  });

  it("refuses a fallback that is not a category", () => {
    const workload = { ...routed, routing: { ...routed.routing!, fallback: "misc" }, queries: [{ experts: ["A"] }] };
    expect(() => normalizeWorkload({ workload })).toThrow(
      /routing\.fallback: "misc" is not one of the categories \("math", "code", "general"\)/,
    );
  });

  it("says a query without experts needs routing when the workload has none", () => {
    expect(() => normalizeWorkload({ workload: { workers: [{ name: "w" }], experts: threeModels, queries: [{ prompt: "hi" }] } })).toThrow(
      /queries\[0\]\.experts: required: the experts this query was routed to, or a routing section/,
    );
  });

  it("reuses routes decided earlier instead of routing those prompts again", async () => {
    const result = await routeWorkload({ workload: routed, decided: { "the sum of 2 and 3": "code" } });
    const problem = normalizeWorkload({ workload: result.workload });
    expect(problem.queries[0]!.experts.map((m) => problem.models[m]!.name)).toEqual(["B"]);
    expect(result.decisions).toEqual({ "the sum of 2 and 3": "code", "fix def main()": "code", "hello there": "general" });
  });

  it("checks categories and fallback before routing any prompt, naming the routing fields", async () => {
    const workload = { ...routed, routing: { ...routed.routing!, fallback: "misc" } };
    await expect(routeWorkload({ workload })).rejects.toThrow(/routing\.fallback: "misc" is not one of the categories/);
  });

  it("names the query whose routing failed, with a fix", async () => {
    const workload = {
      ...routed,
      routing: { ...routed.routing!, router: { type: "llm" as const, model: new ScriptedChatModel({ fail: "connection refused" }) } },
    };
    await expect(routeWorkload({ workload })).rejects.toMatchObject({
      code: "routing_failed",
      message: expect.stringMatching(/^could not route queries\[0\] \("the sum of 2 and 3"\)/),
    });
  });
});
