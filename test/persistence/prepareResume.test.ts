import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { buildMosaicGraph } from "../../src/graphs/builders.js";
import { prepareResume } from "../../src/persistence/prepareResume.js";
import type { MoAStateValue } from "../../src/state/moaState.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

/** A model whose first `failures` calls fail, then answers `reply`. */
function flaky(reply: string, failures = 1): ScriptedChatModel {
  let calls = 0;
  return new ScriptedChatModel({
    reply: () => {
      if (calls++ < failures) throw new Error(`flaky failure ${calls}`);
      return reply;
    },
  });
}

const thread = (id: string) => ({ configurable: { thread_id: id } });
const ask = (text: string) => ({ messages: [new HumanMessage(text)] });

function turnAnswers(state: MoAStateValue, turn: number) {
  return state.answers.filter((a) => a.turn === turn).map((a) => [a.nodeId, a.content ?? `error: ${a.error}`]);
}

describe("prepareResume", () => {
  it("retries only the failed agents of a layer that fell below minSuccessful", async () => {
    const ok = new ScriptedChatModel({ reply: "4" });
    const bad = flaky("four");
    const aggregator = new ScriptedChatModel({ reply: "the answer is 4" });
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0 },
        layers: [
          {
            agents: [
              { name: "ok", model: ok },
              { name: "bad", model: bad },
            ],
            minSuccessful: 2,
          },
        ],
        aggregator,
      },
    }).compile({ checkpointer: new MemorySaver() });
    await expect(graph.invoke(ask("2+2?"), thread("t1"))).rejects.toThrow(/minSuccessful is 2/);

    const plan = await prepareResume(graph, thread("t1"));
    expect(plan).toMatchObject({ kind: "retry", layer: 1, retried: ["bad"], kept: ["ok"] });
    if (plan.kind !== "retry") throw new Error("expected a retry plan");
    const state = (await graph.invoke(plan.input, plan.config)) as MoAStateValue;

    expect(state.messages.at(-1)?.text).toBe("the answer is 4");
    expect([ok.calls.length, bad.calls.length, aggregator.calls.length]).toEqual([1, 2, 1]);
    // One record per agent: the kept answer, the retried one, the aggregator; the failed attempt is history.
    expect(turnAnswers(state, 1)).toEqual([
      ["layer1/ok", "4"],
      ["layer1/bad", "four"],
      ["aggregator", "the answer is 4"],
    ]);
    expect((await graph.getState(thread("t1"))).next).toEqual([]);
  });

  it("keeps the saved answers of every earlier layer when a later layer is retried", async () => {
    const p1 = new ScriptedChatModel({ reply: "a" });
    const p2 = new ScriptedChatModel({ reply: "b" });
    const q1 = flaky("refined", 2);
    const aggregator = new ScriptedChatModel({ reply: "final" });
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0 },
        layers: [
          {
            agents: [
              { name: "p1", model: p1 },
              { name: "p2", model: p2 },
            ],
          },
          { agents: [{ name: "q1", model: q1 }] },
        ],
        aggregator,
      },
    }).compile({ checkpointer: new MemorySaver() });
    await expect(graph.invoke(ask("q"), thread("t2"))).rejects.toThrow(/layer 2: no agent answered/);

    let plan = await prepareResume(graph, thread("t2"));
    expect(plan).toMatchObject({ kind: "retry", layer: 2, retried: ["q1"], kept: [] });
    if (plan.kind !== "retry") throw new Error("expected a retry plan");
    await expect(graph.invoke(plan.input, plan.config)).rejects.toThrow(/layer 2: no agent answered/);

    // A second resume works from the fork the first one made.
    plan = await prepareResume(graph, thread("t2"));
    if (plan.kind !== "retry") throw new Error("expected a retry plan");
    const state = (await graph.invoke(plan.input, plan.config)) as MoAStateValue;
    expect(state.messages.at(-1)?.text).toBe("final");
    expect([p1.calls.length, p2.calls.length, q1.calls.length, aggregator.calls.length]).toEqual([1, 1, 3, 1]);
  });

  it("re-runs a failed aggregator without calling the proposers again", async () => {
    const p1 = new ScriptedChatModel({ reply: "a" });
    const aggregator = flaky("final");
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0 },
        layers: [{ agents: [{ name: "p1", model: p1 }] }],
        aggregator: { model: aggregator, onFailure: "fail" },
      },
    }).compile({ checkpointer: new MemorySaver() });
    await expect(graph.invoke(ask("q"), thread("t3"))).rejects.toThrow(/final aggregator/);

    const plan = await prepareResume(graph, thread("t3"));
    expect(plan).toMatchObject({ kind: "continue", next: ["aggregator"], input: null });
    if (plan.kind !== "continue") throw new Error("expected a continue plan");
    const state = (await graph.invoke(plan.input, plan.config)) as MoAStateValue;
    expect(state.messages.at(-1)?.text).toBe("final");
    expect([p1.calls.length, aggregator.calls.length]).toEqual([1, 2]);
  });

  it("retries within a quorum layer, counting saved answers toward the quorum", async () => {
    const fast = new ScriptedChatModel({ reply: "x" });
    const bad1 = flaky("y");
    const bad2 = flaky("z");
    const aggregator = new ScriptedChatModel({ reply: "final" });
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0 },
        layers: [
          {
            agents: [
              { name: "fast", model: fast },
              { name: "bad1", model: bad1 },
              { name: "bad2", model: bad2 },
            ],
            quorum: { min: 2 },
            minSuccessful: 2,
          },
        ],
        aggregator,
      },
    }).compile({ checkpointer: new MemorySaver() });
    await expect(graph.invoke(ask("q"), thread("t4"))).rejects.toThrow(/only 1 of 3 agents answered/);

    const plan = await prepareResume(graph, thread("t4"));
    expect(plan).toMatchObject({ kind: "retry", retried: ["bad1", "bad2"], kept: ["fast"] });
    if (plan.kind !== "retry") throw new Error("expected a retry plan");
    const state = (await graph.invoke(plan.input, plan.config)) as MoAStateValue;
    expect(state.messages.at(-1)?.text).toBe("final");
    expect(fast.calls.length).toBe(1);
    expect(
      turnAnswers(state, 1)
        .filter(([id]) => id !== "aggregator")
        .map(([id]) => id)
        .sort(),
    ).toEqual(["layer1/bad1", "layer1/bad2", "layer1/fast"]);
  });

  it("retries the failed experts of a MOSAIC below its minSuccessful", async () => {
    const experts = [
      new ScriptedChatModel({ reply: "The answer is 7" }),
      flaky("The answer is 7"),
      new ScriptedChatModel({ reply: "The answer is 7" }),
    ];
    const aggregator = new ScriptedChatModel({ reply: "7" });
    const graph = buildMosaicGraph({
      config: {
        topology: "mosaic",
        defaults: { retries: 0 },
        experts: experts.map((model, i) => ({ name: `e${i}`, model })),
        minSuccessful: 3,
        gate: { extractor: { type: "number" }, threshold: 1 },
        aggregator,
      },
    }).compile({ checkpointer: new MemorySaver() });
    await expect(graph.invoke(ask("3+4?"), thread("t5"))).rejects.toThrow(/only 2 of 3 agents answered, minSuccessful is 3:\n {2}- e1/);

    const plan = await prepareResume(graph, thread("t5"));
    expect(plan).toMatchObject({ kind: "retry", retried: ["e1"], kept: ["e0", "e2"] });
    if (plan.kind !== "retry") throw new Error("expected a retry plan");
    const state = (await graph.invoke(plan.input, plan.config)) as MoAStateValue;
    expect(state.gates.at(-1)).toMatchObject({ skipped: true, confidence: 1 });
    expect(experts.map((m) => m.calls.length)).toEqual([1, 2, 1]);
    expect(aggregator.calls.length).toBe(0);
  });

  it("resumes the second turn of a conversation within that turn", async () => {
    const p1 = flaky("a", 0);
    const p2 = new ScriptedChatModel({ reply: "b" });
    const aggregator = new ScriptedChatModel({ reply: "final" });
    let failNext = false;
    const p3 = new ScriptedChatModel({
      reply: () => {
        if (failNext) {
          failNext = false;
          throw new Error("down");
        }
        return "c";
      },
    });
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0 },
        layers: [
          {
            agents: [
              { name: "p1", model: p1 },
              { name: "p2", model: p2 },
              { name: "p3", model: p3 },
            ],
            minSuccessful: 3,
          },
        ],
        aggregator,
      },
    }).compile({ checkpointer: new MemorySaver() });
    await graph.invoke(ask("first"), thread("t6"));
    failNext = true;
    await expect(graph.invoke(ask("second"), thread("t6"))).rejects.toThrow(/minSuccessful is 3/);

    const plan = await prepareResume(graph, thread("t6"));
    if (plan.kind !== "retry") throw new Error("expected a retry plan");
    const state = (await graph.invoke(plan.input, plan.config)) as MoAStateValue;
    expect(state.messages.map((m) => m.text)).toEqual(["first", "final", "second", "final"]);
    expect([p1.calls.length, p2.calls.length, p3.calls.length]).toEqual([2, 2, 3]);
    expect(turnAnswers(state, 2)).toHaveLength(4);
  });

  it("says a finished thread has nothing to resume", async () => {
    const graph = buildMoAGraph({
      config: { layers: [{ agents: [new ScriptedChatModel({ reply: "a" })] }], aggregator: new ScriptedChatModel({ reply: "b" }) },
    }).compile({
      checkpointer: new MemorySaver(),
    });
    await graph.invoke(ask("q"), thread("t7"));
    expect(await prepareResume(graph, thread("t7"))).toEqual({ kind: "finished" });
  });
});

describe("minSuccessful over experts", () => {
  it("asks all chosen experts to answer when a router chose fewer than minSuccessful", async () => {
    const math = new ScriptedChatModel({ reply: "The answer is 7" });
    const general = new ScriptedChatModel({ reply: "general" });
    const graph = buildMosaicGraph({
      config: {
        topology: "mosaic",
        categories: ["math", "other"],
        router: { type: "rules", rules: [{ category: "math", keywords: ["sum"] }] },
        experts: { math: { name: "math", model: math }, other: { name: "general", model: general } },
        fallback: { name: "general", model: general },
        minSuccessful: 2,
        gate: { extractor: { type: "number" } },
        aggregator: new ScriptedChatModel({ reply: "agg" }),
      },
    }).compile();
    const state = (await graph.invoke(ask("the sum of 3 and 4"))) as MoAStateValue;
    expect(state.routes.at(-1)?.experts).toEqual(["expert/math"]);
    expect(state.gates.at(-1)).toMatchObject({ skipped: true });
    expect(state.messages.at(-1)?.text).toBe("The answer is 7");
  });
});

describe("a run interrupted inside a quorum layer", () => {
  it("does not call again the agents that had finished before the interruption", async () => {
    const fast = [new ScriptedChatModel({ reply: "a" }), new ScriptedChatModel({ reply: "b" })];
    let slowStarts = 0;
    const slow = new ScriptedChatModel({ reply: () => `c${slowStarts}`, latencyMs: () => (++slowStarts === 1 ? 10_000 : 5) });
    const aggregator = new ScriptedChatModel({ reply: "final" });
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0 },
        layers: [
          {
            agents: [
              { name: "a", model: fast[0]! },
              { name: "b", model: fast[1]! },
              { name: "slow", model: slow },
            ],
            quorum: { min: 3 },
          },
        ],
        aggregator,
      },
    }).compile({ checkpointer: new MemorySaver() });
    const interrupt = new AbortController();
    const run = graph.invoke(ask("q"), { ...thread("t9"), signal: interrupt.signal, durability: "sync" });
    // Interrupt once the two fast agents have answered and the slow one is still generating.
    while (fast.some((m) => m.calls[0]?.endedAt === undefined)) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    interrupt.abort();
    await expect(run).rejects.toThrow();

    const plan = await prepareResume(graph, thread("t9"));
    expect(plan.kind).toBe("continue");
    const state = (await graph.invoke(null, { ...thread("t9"), durability: "sync" })) as MoAStateValue;
    expect(state.messages.at(-1)?.text).toBe("final");
    expect(fast.map((m) => m.calls.length)).toEqual([1, 1]);
    expect(slow.calls.length).toBe(2);
    expect(
      turnAnswers(state, 1)
        .map(([id, text]) => `${id}=${text}`)
        .sort(),
    ).toEqual(["aggregator=final", "layer1/a=a", "layer1/b=b", "layer1/slow=c2"]);
  });
});
