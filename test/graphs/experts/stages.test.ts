import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { planTopology } from "../../../src/graphs/planTopology.js";
import { disposeAll } from "../../../src/models/providers/llamacpp/runtime/llamaRuntime.js";
import { summarizeCost } from "../../../src/report/summarizeCost.js";
import { summarizeRun } from "../../../src/report/summarizeRun.js";
import { ScriptedChatModel } from "../../../src/testing/ScriptedChatModel.js";

afterAll(() => disposeAll());

describe("composed topologies", () => {
  it("runs a whole MoA as one expert of a CoE, keeping its inner answers under the stage", async () => {
    const inner = {
      a: new ScriptedChatModel({ reply: "inner a" }),
      b: new ScriptedChatModel({ reply: "inner b" }),
      agg: new ScriptedChatModel({ reply: "panel verdict" }),
    };
    const plan = planTopology({
      config: {
        topology: "coe",
        categories: ["hard", "easy"],
        router: { type: "rules", rules: [{ category: "hard", keywords: ["prove"] }] },
        experts: { hard: { name: "panel", stage: { layers: [{ agents: [inner.a, inner.b] }], aggregator: inner.agg } } },
        fallback: new ScriptedChatModel({ reply: "quick answer" }),
      },
    });
    const state = await plan.graph.compile().invoke({ messages: [new HumanMessage("Prove it")] });
    expect(state.messages.at(-1)?.text).toBe("panel verdict");
    expect(state.messages).toHaveLength(2);
    const stageRecords = state.answers.filter((a) => a.stage === "expert/panel");
    expect(stageRecords.map((a) => a.nodeId).sort()).toEqual([
      "expert/panel/aggregator",
      "expert/panel/layer1/ScriptedChatModel",
      "expert/panel/layer1/ScriptedChatModel-2",
    ]);
    expect(state.answers.find((a) => a.nodeId === "expert/panel")).toMatchObject({ role: "expert", content: "panel verdict" });
    expect(summarizeCost(state).calls).toBe(3);
    // The run summary counts the same three calls: the stage's own record stands for them.
    const summary = summarizeRun(state);
    expect(summary.totals.calls).toBe(3);
    expect(summary.totals.outputTokens).toBe(summarizeCost(state).outputTokens);
  });

  it("names a preset as a stage", () => {
    const plan = planTopology({
      config: {
        topology: "mosaic",
        experts: [{ name: "lite", stage: { preset: "moa-lite" } }, "ollama:qwen2.5:1.5b"],
        gate: { extractor: { type: "exact" } },
        aggregator: "ollama:qwen2.5:3b",
      },
    });
    expect(Object.keys(plan.graph.compile().getGraph().nodes)).toEqual(
      expect.arrayContaining(["expert/lite", "expert/qwen2.5-1.5b", "gate"]),
    );
  });

  it("reports an invalid stage by its path in the including config", () => {
    expect(() =>
      planTopology({
        config: {
          topology: "mosaic",
          experts: [{ name: "broken", stage: { layers: [] } }, "ollama:a"],
          gate: { extractor: { type: "exact" } },
          aggregator: "ollama:b",
        },
      }),
    ).toThrow(/experts\[0\]\.stage\.layers: expected at least one layer/);
  });

  it("reads active parameters of a local GGUF expert from its metadata", async () => {
    const tiny = path.resolve(import.meta.dirname, "../../../../shared/models/llama-2-tiny-random.gguf");
    const plan = planTopology({
      config: {
        topology: "coe",
        categories: ["any"],
        defaults: { maxTokens: 8 },
        router: { type: "rules", rules: [{ category: "any", keywords: ["hello"] }] },
        experts: { any: `llamacpp:${tiny}` },
        fallback: `llamacpp:${tiny}`,
      },
    });
    const state = await plan.graph.compile().invoke({ messages: [new HumanMessage("hello there")] });
    const cost = summarizeCost(state);
    expect(cost.calls).toBe(1);
    expect(cost.activeParams).toBeGreaterThan(0);
    expect(cost.callsWithUnknownParams).toBe(0);
  }, 60_000);
});
