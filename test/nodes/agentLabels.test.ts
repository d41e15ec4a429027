import { describe, expect, it } from "vitest";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import type { Serialized } from "@langchain/core/load/serializable";
import { buildCoEGraph, buildMoAGraph } from "../../src/graphs/builders.js";
import { REPLY_TAG } from "../../src/nodes/replyTag.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

interface ModelCall {
  runName: string | undefined;
  tags: string[];
  metadata: Record<string, unknown>;
}

/** Records what every chat-model run was labelled with, as a tracer (LangSmith) sees it. */
class ModelCallRecorder extends BaseCallbackHandler {
  name = "model-call-recorder";
  calls: ModelCall[] = [];
  override handleChatModelStart(
    _llm: Serialized,
    _messages: unknown,
    _runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.calls.push({ runName, tags: tags ?? [], metadata: metadata ?? {} });
  }
  callOf(agent: string): ModelCall {
    const call = this.calls.find((c) => c.metadata.moa_agent === agent);
    if (!call) throw new Error(`no model call labelled moa_agent=${agent}; saw ${this.calls.map((c) => c.runName).join(", ")}`);
    return call;
  }
}

const question = { messages: [new HumanMessage("Why is the sky blue?")] };

/** The model calls of a MoA of one proposer ("alpha") and an aggregator. */
async function recordOneProposerRun(): Promise<ModelCallRecorder> {
  const recorder = new ModelCallRecorder();
  const graph = buildMoAGraph({
    config: {
      layers: [{ agents: [{ name: "alpha", model: new ScriptedChatModel({ reply: "a" }) }] }],
      aggregator: new ScriptedChatModel({ reply: "z" }),
    },
  }).compile();
  await graph.invoke(question, { callbacks: [recorder] });
  return recorder;
}

describe("model call labels", () => {
  it("labels a proposer's call with its agent, layer, role, model and attempt", async () => {
    const recorder = await recordOneProposerRun();
    const call = recorder.callOf("alpha");
    expect(call.metadata).toMatchObject({ moa_agent: "alpha", moa_layer: 1, moa_role: "proposer", moa_attempt: 1 });
    expect(call.tags).toEqual(expect.arrayContaining(["moa:proposer", "moa:layer:1"]));
    expect(call.tags).not.toContain(REPLY_TAG);
  });

  it("tags only the final aggregator's call as the reply", async () => {
    const recorder = await recordOneProposerRun();
    expect(recorder.calls.filter((c) => c.tags.includes(REPLY_TAG)).map((c) => c.metadata.moa_agent)).toEqual(["aggregator"]);
    expect(recorder.callOf("aggregator").metadata).toMatchObject({ moa_role: "final", moa_layer: 2 });
  });

  it("names the model run after the agent's node", async () => {
    const recorder = await recordOneProposerRun();
    expect(recorder.callOf("alpha").runName).toBe("layer1/alpha");
  });

  it("labels each agent of a quorum layer, which runs them all in one node", async () => {
    const recorder = new ModelCallRecorder();
    const graph = buildMoAGraph({
      config: {
        layers: [
          {
            agents: [
              { name: "p1", model: new ScriptedChatModel({ reply: "1" }) },
              { name: "p2", model: new ScriptedChatModel({ reply: "2" }) },
            ],
            quorum: { min: 2 },
          },
        ],
        aggregator: new ScriptedChatModel({ reply: "z" }),
      },
    }).compile();
    await graph.invoke(question, { callbacks: [recorder] });
    expect(recorder.callOf("p1").metadata).toMatchObject({ moa_agent: "p1", moa_layer: 1 });
    expect(recorder.callOf("p2").metadata).toMatchObject({ moa_agent: "p2", moa_layer: 1 });
  });

  it("counts the attempt in the metadata of a retried call", async () => {
    const recorder = new ModelCallRecorder();
    let calls = 0;
    const flaky = new ScriptedChatModel({
      reply: () => {
        if (++calls === 1) throw Object.assign(new Error("overloaded"), { status: 503 });
        return "fine";
      },
    });
    const graph = buildMoAGraph({
      config: {
        layers: [{ agents: [{ name: "flaky", model: flaky, retries: 1, retryBackoffMs: 1 }] }],
        aggregator: new ScriptedChatModel({ reply: "z" }),
      },
    }).compile();
    await graph.invoke(question, { callbacks: [recorder] });
    const attempts = recorder.calls.filter((c) => c.metadata.moa_agent === "flaky").map((c) => c.metadata.moa_attempt);
    expect(attempts).toEqual([1, 2]);
  });

  it("labels a routed expert's call", async () => {
    const recorder = new ModelCallRecorder();
    const expert = new ScriptedChatModel({ reply: "x" });
    const graph = buildCoEGraph({
      config: {
        categories: ["any"],
        router: { type: "rules", rules: [{ category: "any", keywords: ["sky"] }] },
        experts: { any: { name: "solo", model: expert } },
        fallback: { name: "solo", model: expert },
      },
    }).compile();
    await graph.invoke(question, { callbacks: [recorder] });
    expect(recorder.callOf("solo").metadata).toMatchObject({ moa_agent: "solo", moa_role: "expert", moa_attempt: 1 });
    expect(recorder.callOf("solo").tags).toContain(REPLY_TAG);
  });
});
