import { describe, expect, it } from "vitest";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { buildCoEGraph } from "../../src/graphs/builders.js";
import { buildMosaicGraph } from "../../src/graphs/builders.js";

const question = { messages: [new HumanMessage("Which is fastest?")] };
const systemText = (messages: BaseMessage[]) => messages.find((m) => m.getType() === "system")?.text ?? "";

function layer(latencies: number[], quorum: { min: number; deadlineMs?: number }) {
  const models = latencies.map((latencyMs, i) => new ScriptedChatModel({ reply: `answer ${i + 1}`, latencyMs }));
  const final = new ScriptedChatModel({ reply: "done" });
  const graph = buildMoAGraph({
    config: { layers: [{ agents: models.map((model, i) => ({ name: `p${i + 1}`, model })), quorum }], aggregator: final },
  }).compile();
  return { graph, models, final };
}

describe("quorum fan-in", () => {
  it("goes on once the quorum has answered, without waiting for a straggler", async () => {
    // The straggler would take ten minutes: the test ends only if the quorum cancels it.
    const { graph } = layer([30, 40, 600_000], { min: 2 });
    const state = await graph.invoke(question);
    expect(state.messages.at(-1)?.text).toBe("done");
    expect(state.answers.find((a) => a.agent === "p3")).toMatchObject({ late: true });
  });

  it("cancels the straggler's call and records it as late", async () => {
    const { graph, models } = layer([30, 40, 10_000], { min: 2 });
    const state = await graph.invoke(question);
    const straggler = state.answers.find((a) => a.agent === "p3");
    expect(straggler).toMatchObject({ late: true, error: "late: cancelled after 2 of 3 agents answered (quorum 2)" });
    // The scripted model saw its signal fire: its call ended long before its 10 s latency.
    expect(models[2]!.calls[0]!.endedAt! - models[2]!.calls[0]!.startedAt).toBeLessThan(3_000);
  });

  it("gives the next layer only the answers that arrived in time", async () => {
    const { graph, final } = layer([30, 40, 10_000], { min: 2 });
    await graph.invoke(question);
    const seen = systemText(final.calls[0]!.messages);
    expect(seen).toContain('<response id="1">\nanswer 1\n</response>');
    expect(seen).toContain('<response id="2">\nanswer 2\n</response>');
    expect(seen).not.toContain("answer 3");
  });

  it("waits until the deadline for more answers once the quorum is met", async () => {
    const { graph } = layer([20, 150, 10_000], { min: 1, deadlineMs: 400 });
    const state = await graph.invoke(question);
    expect(
      state.answers
        .filter((a) => a.layer === 1 && a.error === undefined)
        .map((a) => a.agent)
        .sort(),
    ).toEqual(["p1", "p2"]);
    expect(state.answers.find((a) => a.agent === "p3")?.late).toBe(true);
  });

  it("keeps waiting past the deadline until the quorum is met", async () => {
    const { graph } = layer([20, 200, 10_000], { min: 2, deadlineMs: 10 });
    const state = await graph.invoke(question);
    expect(state.answers.filter((a) => a.layer === 1 && a.error === undefined)).toHaveLength(2);
  });

  it("counts only successful answers toward the quorum", async () => {
    const failing = new ScriptedChatModel({ fail: "boom" });
    const graph = buildMoAGraph({
      config: {
        layers: [
          {
            agents: [
              { name: "bad", model: failing },
              { name: "slow", model: new ScriptedChatModel({ reply: "slow answer", latencyMs: 150 }) },
              { name: "fast", model: new ScriptedChatModel({ reply: "fast answer", latencyMs: 10 }) },
            ],
            quorum: { min: 2 },
          },
        ],
        aggregator: new ScriptedChatModel({ reply: "done" }),
      },
    }).compile();
    const state = await graph.invoke(question);
    expect(state.answers.find((a) => a.agent === "slow")?.content).toBe("slow answer");
    expect(state.answers.find((a) => a.agent === "bad")).toMatchObject({ error: "boom" });
    expect(state.answers.find((a) => a.agent === "bad")?.late).toBeUndefined();
  });

  it("runs a quorum layer as one node named after the layer", () => {
    const { graph } = layer([1, 1, 1], { min: 2 });
    expect(Object.keys(graph.getGraph().nodes)).toEqual(expect.arrayContaining(["layer1", "aggregator"]));
  });

  it("rejects a quorum larger than the layer", () => {
    expect(() => layer([1, 1], { min: 3 })).toThrow(ConfigError);
    expect(() => layer([1, 1], { min: 3 })).toThrow(/layers\[0\]\.quorum\.min: expected at most 2/);
  });
});

describe("quorum over experts", () => {
  it("gates a MOSAIC on the experts that answered in time", async () => {
    const experts = [
      { name: "fast1", model: new ScriptedChatModel({ reply: "41", latencyMs: 10 }) },
      { name: "fast2", model: new ScriptedChatModel({ reply: "41", latencyMs: 20 }) },
      { name: "slow", model: new ScriptedChatModel({ reply: "41", latencyMs: 600_000 }) },
    ];
    const aggregator = new ScriptedChatModel({ reply: "agg" });
    const graph = buildMosaicGraph({
      config: { experts, quorum: { min: 2 }, gate: { extractor: { type: "number" }, threshold: 1 }, aggregator },
    }).compile();
    const state = await graph.invoke(question);
    expect(state.answers.find((a) => a.agent === "slow")?.late).toBe(true);
    expect(state.gates.at(-1)).toMatchObject({ skipped: true, confidence: 1 });
    expect(Object.keys(graph.getGraph().nodes)).toEqual(expect.arrayContaining(["experts", "gate", "aggregator"]));
  });

  it("runs only the routed experts and lets a lone expert answer", async () => {
    const math = new ScriptedChatModel({ reply: "math answer", latencyMs: 10 });
    const other = new ScriptedChatModel({ reply: "other answer" });
    const graph = buildCoEGraph({
      config: {
        categories: ["math", "other"],
        router: { type: "rules", rules: [{ category: "math", keywords: ["sum"] }] },
        experts: { math: { name: "math", model: math }, other: { name: "other", model: other } },
        fallback: { name: "other", model: other },
        quorum: { min: 1 },
      },
    }).compile();
    const state = await graph.invoke({ messages: [new HumanMessage("the sum please")] });
    expect(state.messages.at(-1)?.text).toBe("math answer");
    expect(other.calls).toHaveLength(0);
  });

  it("rejects a quorum with stage experts", () => {
    expect(() =>
      buildMosaicGraph({
        config: {
          experts: [{ name: "s", stage: { preset: "moa-lite" } }, "ollama:a"],
          quorum: { min: 1 },
          gate: { extractor: { type: "exact" } },
          aggregator: "ollama:b",
        },
      }),
    ).toThrow(/quorum: a quorum applies to agent experts only/);
  });
});
