import { describe, expect, it } from "vitest";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { buildMoAGraph } from "../../../src/graphs/builders.js";
import type { MoAStreamEvent } from "../../../src/nodes/callAgent.js";
import { latestTurnAnswers } from "../../../src/state/moaState.js";
import { ScriptedChatModel } from "../../../src/testing/ScriptedChatModel.js";

const question = { messages: [new HumanMessage("What is 2+2?")] };
const systemText = (messages: BaseMessage[]) => messages.find((m) => m.getType() === "system")?.text ?? "";

function twoLayerMoA(latencyMs = 0) {
  const p = ["a", "b", "c"].map((name) => new ScriptedChatModel({ reply: `answer from ${name}`, latencyMs, label: name }));
  const q = ["d", "e"].map((name) => new ScriptedChatModel({ reply: `refined by ${name}`, latencyMs, label: name }));
  const final = new ScriptedChatModel({ reply: "final answer: 4", latencyMs });
  const graph = buildMoAGraph({
    config: {
      layers: [
        { agents: p.map((model, i) => ({ name: `p${i + 1}`, model })) },
        { agents: q.map((model, i) => ({ name: `q${i + 1}`, model })) },
      ],
      aggregator: final,
    },
  }).compile();
  return { graph, p, q, final };
}

describe("buildMoAGraph", () => {
  it("appends the final aggregator's answer to the conversation", async () => {
    const { graph } = twoLayerMoA();
    const state = await graph.invoke(question);
    expect(state.messages).toHaveLength(2);
    expect(state.messages.at(-1)?.getType()).toBe("ai");
    expect(state.messages.at(-1)?.text).toBe("final answer: 4");
  });

  it("records every agent's answer with its layer, model, latency and token usage", async () => {
    const { graph } = twoLayerMoA();
    const { answers } = await graph.invoke(question);
    expect(answers.map((a) => [a.layer, a.agent, a.role])).toEqual(
      expect.arrayContaining([
        [1, "p1", "proposer"],
        [1, "p2", "proposer"],
        [1, "p3", "proposer"],
        [2, "q1", "refiner"],
        [2, "q2", "refiner"],
        [3, "aggregator", "final"],
      ]),
    );
    expect(answers).toHaveLength(6);
    for (const answer of answers) {
      expect(answer.latencyMs).toBeGreaterThanOrEqual(0);
      expect(answer.usage?.outputTokens).toBeGreaterThan(0);
      expect(answer.error).toBeUndefined();
    }
  });

  it("runs a layer only after every agent of the previous layer has finished", async () => {
    const { graph, p, q, final } = twoLayerMoA(20);
    await graph.invoke(question);
    const layer1End = Math.max(...p.map((m) => m.calls[0]!.endedAt!));
    const layer2Start = Math.min(...q.map((m) => m.calls[0]!.startedAt));
    const layer2End = Math.max(...q.map((m) => m.calls[0]!.endedAt!));
    expect(layer2Start).toBeGreaterThanOrEqual(layer1End);
    expect(final.calls[0]!.startedAt).toBeGreaterThanOrEqual(layer2End);
  });

  it("runs the proposers of a layer in parallel", async () => {
    const proposers = [0, 1, 2].map(() => new ScriptedChatModel({ reply: "x", latencyMs: 200 }));
    const graph = buildMoAGraph({
      config: { layers: [{ agents: proposers }], aggregator: new ScriptedChatModel({ reply: "y" }) },
    }).compile();
    await graph.invoke(question); // warm-up: module and JIT costs are not what this test measures
    proposers.forEach((m) => (m.calls.length = 0));
    await graph.invoke(question);
    // Run one after another, no call would start before the previous one ended.
    const windows = proposers.map((m) => m.calls[0]!);
    const latestStart = Math.max(...windows.map((w) => w.startedAt));
    const earliestEnd = Math.min(...windows.map((w) => w.endedAt!));
    expect(latestStart).toBeLessThan(earliestEnd);
  });

  it("gives later layers the previous layer's answers, numbered and delimited, in declared order", async () => {
    const { graph, q, final } = twoLayerMoA();
    await graph.invoke(question);
    const seen = systemText(q[0]!.calls[0]!.messages);
    expect(seen).toContain('<response id="1">\nanswer from a\n</response>');
    expect(seen).toContain('<response id="2">\nanswer from b\n</response>');
    expect(seen).toContain('<response id="3">\nanswer from c\n</response>');
    const finalSeen = systemText(final.calls[0]!.messages);
    expect(finalSeen).toContain('<response id="1">\nrefined by d\n</response>');
    expect(finalSeen).not.toContain("answer from a");
  });

  it("keeps the user's conversation after the system message for every agent", async () => {
    const { graph, p, final } = twoLayerMoA();
    await graph.invoke(question);
    expect(p[0]!.calls[0]!.messages.map((m) => m.getType())).toEqual(["human"]);
    expect(final.calls[0]!.messages.map((m) => m.getType())).toEqual(["system", "human"]);
    expect(final.calls[0]!.messages[1]!.text).toBe("What is 2+2?");
  });

  it("drops a failing proposer and records its error", async () => {
    const good = new ScriptedChatModel({ reply: "good answer" });
    const bad = new ScriptedChatModel({ fail: "model exploded" });
    const final = new ScriptedChatModel({ reply: "done" });
    const graph = buildMoAGraph({
      config: {
        layers: [
          {
            agents: [
              { name: "good", model: good },
              { name: "bad", model: bad },
            ],
          },
        ],
        aggregator: final,
      },
    }).compile();
    const state = await graph.invoke(question);
    expect(state.messages.at(-1)?.text).toBe("done");
    const failed = state.answers.find((a) => a.agent === "bad");
    expect(failed?.error).toBe("model exploded");
    expect(failed?.content).toBeUndefined();
    const seen = systemText(final.calls[0]!.messages);
    expect(seen).toContain('<response id="1">\ngood answer\n</response>');
    expect(seen).not.toContain('<response id="2">');
  });

  it("records a proposer that exceeds its timeout as timed out and continues", async () => {
    // Ten minutes: only the timeout can end this call within the test.
    const slow = new ScriptedChatModel({ reply: "late", latencyMs: 600_000 });
    const fast = new ScriptedChatModel({ reply: "on time" });
    const graph = buildMoAGraph({
      config: {
        layers: [
          {
            agents: [
              { name: "slow", model: slow, timeoutMs: 50 },
              { name: "fast", model: fast },
            ],
          },
        ],
        aggregator: new ScriptedChatModel({ reply: "done" }),
      },
    }).compile();
    const state = await graph.invoke(question);
    expect(state.answers.find((a) => a.agent === "slow")?.error).toBe("timed out after 50 ms");
    expect(state.messages.at(-1)?.text).toBe("done");
  });

  it("treats an empty answer as a failure of that agent", async () => {
    const graph = buildMoAGraph({
      config: {
        layers: [{ agents: [{ name: "empty", model: new ScriptedChatModel({ reply: "  " }) }, new ScriptedChatModel({ reply: "ok" })] }],
        aggregator: new ScriptedChatModel({ reply: "done" }),
      },
    }).compile();
    const state = await graph.invoke(question);
    expect(state.answers.find((a) => a.agent === "empty")?.error).toMatch(/empty answer/);
  });

  it("fails with every agent's error when a whole layer fails", async () => {
    const final = new ScriptedChatModel({ reply: "never" });
    const graph = buildMoAGraph({
      config: {
        layers: [
          {
            agents: [
              { name: "x", model: new ScriptedChatModel({ fail: "boom x" }) },
              { name: "y", model: new ScriptedChatModel({ fail: "boom y" }) },
            ],
          },
        ],
        aggregator: final,
      },
    }).compile();
    await expect(graph.invoke(question)).rejects.toThrow(/layer 1: no agent answered[\s\S]*x .*boom x[\s\S]*y .*boom y/);
    expect(final.calls).toHaveLength(0);
  });

  it("fails clearly when the input has no user message", async () => {
    const { graph } = twoLayerMoA();
    await expect(graph.invoke({ messages: [] })).rejects.toThrow(/input\.messages: expected at least one user/);
  });

  it("answers follow-up turns on a thread and keeps every turn's answers, marked by turn", async () => {
    const final = new ScriptedChatModel({ reply: (messages) => `turn answer ${messages.filter((m) => m.getType() === "human").length}` });
    const graph = buildMoAGraph({
      config: { layers: [{ agents: [new ScriptedChatModel({ reply: "p" })] }], aggregator: final },
    }).compile({ checkpointer: new MemorySaver() });
    const thread = { configurable: { thread_id: "t1" } };
    await graph.invoke(question, thread);
    const second = await graph.invoke({ messages: [new HumanMessage("And 3+3?")] }, thread);
    expect(second.messages.map((m) => m.getType())).toEqual(["human", "ai", "human", "ai"]);
    expect(second.messages.at(-1)?.text).toBe("turn answer 2");
    expect(second.answers.map((a) => a.turn)).toEqual([1, 1, 2, 2]);
    expect(latestTurnAnswers(second.answers).map((a) => a.turn)).toEqual([2, 2]);
    // The aggregator saw the earlier exchange as context.
    expect(final.calls[1]!.messages.map((m) => m.getType())).toEqual(["system", "human", "ai", "human"]);
  });

  it("streams the final aggregator's tokens in messages mode", async () => {
    const final = new ScriptedChatModel({ reply: "one two three four" });
    const graph = buildMoAGraph({
      config: { layers: [{ agents: [new ScriptedChatModel({ reply: "p" })] }], aggregator: final },
    }).compile();
    const tokens: string[] = [];
    for await (const [chunk, metadata] of await graph.stream(question, { streamMode: "messages" })) {
      if ((metadata as { langgraph_node?: string }).langgraph_node === "aggregator") tokens.push(chunk.text);
    }
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join("")).toBe("one two three four");
  });

  it("streams an agent_end event per agent as each finishes", async () => {
    const { graph } = twoLayerMoA();
    const events: MoAStreamEvent[] = [];
    for await (const event of await graph.stream(question, { streamMode: "custom" })) events.push(event as MoAStreamEvent);
    const ends = events.filter((e) => e.event === "agent_end");
    expect(ends.map((e) => e.nodeId).sort()).toEqual(["aggregator", "layer1/p1", "layer1/p2", "layer1/p3", "layer2/q1", "layer2/q2"]);
    expect(events.filter((e) => e.event === "agent_start")).toHaveLength(6);
  });

  it("names nodes after layers and agents so Studio shows the topology", async () => {
    const { graph } = twoLayerMoA();
    const nodes = Object.keys(graph.getGraph().nodes);
    expect(nodes).toEqual(expect.arrayContaining(["layer1/p1", "layer1/p2", "layer1/p3", "layer2/q1", "layer2/q2", "aggregator"]));
  });
});

describe("buildMoAGraph layer failures", () => {
  it("reports one clear error when a middle layer has nothing to aggregate", async () => {
    const graph = buildMoAGraph({
      config: {
        layers: [
          { agents: [{ name: "x", model: new ScriptedChatModel({ fail: "boom" }) }] },
          { agents: [new ScriptedChatModel({ reply: "a" }), new ScriptedChatModel({ reply: "b" }), new ScriptedChatModel({ reply: "c" })] },
        ],
        aggregator: new ScriptedChatModel({ reply: "never" }),
      },
    }).compile();
    await expect(graph.invoke(question)).rejects.toThrow(/^layer 1: no agent answered/);
  });
});
