import type { BaseMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { modelResponder, stableHash, topologyResponder } from "../../../evals/generate/responder.js";
import type { ResolvedAgent } from "../../../src/config/ResolvedAgent.js";
import { ScriptedChatModel } from "../../../src/testing/ScriptedChatModel.js";
import { resolveMoA } from "../../helpers/resolveMoA.js";

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const inputWords = (model: ScriptedChatModel) =>
  model.calls.reduce((n, call) => n + call.messages.reduce((m, message) => m + words(message.text), 0), 0);
const texts = (messages: BaseMessage[]) => messages.map((m) => `${m.getType()}: ${m.text}`);

describe("stableHash", () => {
  it("does not depend on the order of object keys, at any depth", () => {
    expect(stableHash({ b: 1, a: { y: [1, 2], x: "s" } })).toBe(stableHash({ a: { x: "s", y: [1, 2] }, b: 1 }));
  });

  it("changes with any value, and with the order of array elements", () => {
    const base = stableHash({ a: [1, 2] });
    expect(stableHash({ a: [2, 1] })).not.toBe(base);
    expect(stableHash({ a: [1, 3] })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
  });

  it("hashes an object referenced twice by its content both times, as a copy of it would be", () => {
    const settings = { temperature: 0.2 };
    const shared = { a: settings, b: settings };
    const copied = { a: { temperature: 0.2 }, b: { temperature: 0.2 } };
    expect(stableHash(shared)).toBe(stableHash(copied));
    expect(stableHash(shared)).not.toBe(stableHash({ a: settings, b: { temperature: 0.3 } }));
  });

  it("hashes a pattern by its text and flags", () => {
    expect(stableHash({ rule: /refund/i })).not.toBe(stableHash({ rule: /invoice/i }));
    expect(stableHash({ rule: /refund/i })).toBe(stableHash({ rule: /refund/i }));
    expect(stableHash({ rule: /refund/i })).not.toBe(stableHash({ rule: /refund/ }));
  });

  it("ends on a cycle instead of looping", () => {
    const node: { name: string; self?: unknown } = { name: "n" };
    node.self = node;
    expect(stableHash(node)).toBe(stableHash({ name: "n", self: "[cycle]" }));
  });

  it("gives a resolved topology the hash of its plain copy", () => {
    const topology = resolveMoA({ layers: [{ agents: ["ollama:a", "ollama:a"] }], aggregator: "ollama:b" });
    expect(stableHash(topology)).toBe(stableHash(JSON.parse(JSON.stringify(topology))));
  });
});

describe("topologyResponder", () => {
  function twoProposerMoA() {
    const topology = resolveMoA({ layers: [{ agents: ["ollama:p1", "ollama:p2"] }], aggregator: "ollama:agg" });
    const models = new Map<string, ScriptedChatModel>();
    let aggregatorCalls = 0;
    const modelFactory = (agent: ResolvedAgent) => {
      const model =
        agent.role === "final"
          ? new ScriptedChatModel({ reply: () => `final answer ${++aggregatorCalls}` })
          : new ScriptedChatModel({ reply: `draft from ${agent.id}` });
      models.set(agent.role === "final" ? "aggregator" : agent.id, model);
      return model;
    };
    return { responder: topologyResponder({ topology, modelFactory, bench: "mt-bench" }), models, topology };
  }

  it("answers two turns on one thread: the second turn's calls see the first question and answer", async () => {
    const { responder, models } = twoProposerMoA();
    const answer = await responder.answer({ turns: ["First question?", "Second question?"] });
    expect(answer.turns).toEqual(["final answer 1", "final answer 2"]);
    const proposers = [...models.entries()].filter(([key]) => key !== "aggregator").map(([, model]) => model);
    expect(proposers).toHaveLength(2);
    for (const proposer of proposers) {
      expect(proposer.calls).toHaveLength(2);
      const [first, second] = proposer.calls.map((call) => texts(call.messages));
      expect(first!.join("\n")).not.toContain("Second question?");
      const human = second!.filter((t) => t.startsWith("human: "));
      expect(human).toEqual(["human: First question?", "human: Second question?"]);
      expect(second).toContain("ai: final answer 1");
    }
  });

  it("sums the calls and tokens of every turn", async () => {
    const { responder, models } = twoProposerMoA();
    const answer = await responder.answer({ turns: ["First question?", "Second question?"] });
    // Per turn: two proposers and the aggregator.
    expect(answer.calls).toBe(6);
    expect(answer.failedCalls).toBe(0);
    // Output: "draft from <id>" is 3 words, "final answer n" 3 words; 3 calls per turn, 2 turns.
    expect(answer.outputTokens).toBe(18);
    const all = [...models.values()];
    expect(answer.inputTokens).toBe(all.reduce((n, model) => n + inputWords(model), 0));
    expect(answer.inputTokens).toBeGreaterThan(0);
    expect(answer.routes).toEqual([]);
    expect(answer.gateTurns).toBe(0);
    expect(answer.latencyMs).toBeGreaterThan(0);
  });

  it("hashes the benchmark and the topology, not the run", () => {
    const a = twoProposerMoA().responder.hash;
    expect(twoProposerMoA().responder.hash).toBe(a);
    const { topology } = twoProposerMoA();
    expect(topologyResponder({ topology, modelFactory: () => new ScriptedChatModel(), bench: "gsm8k" }).hash).not.toBe(a);
  });

  it("rejects when no model answers, so generateAnswers records the item as failed", async () => {
    const topology = resolveMoA({ layers: [{ agents: ["ollama:p1"] }], aggregator: "ollama:agg" });
    const responder = topologyResponder({ topology, modelFactory: () => new ScriptedChatModel({ fail: "down" }), bench: "gsm8k" });
    await expect(responder.answer({ turns: ["Q?"] })).rejects.toThrow(/no agent answered[\s\S]*down/);
  });
});

describe("modelResponder", () => {
  it("carries the conversation from turn to turn and counts one call per turn", async () => {
    let n = 0;
    const model = new ScriptedChatModel({ reply: () => `reply number ${++n}` });
    const responder = modelResponder({ name: "ollama:m", model, bench: "mt-bench", activeParams: 7 });
    const answer = await responder.answer({ turns: ["Hello there", "And then?"] });
    expect(answer.turns).toEqual(["reply number 1", "reply number 2"]);
    expect(model.calls.map((call) => texts(call.messages))).toEqual([
      ["human: Hello there"],
      ["human: Hello there", "ai: reply number 1", "human: And then?"],
    ]);
    // Inputs: 2 words, then 2 + 3 + 2; outputs: 3 words each.
    expect(answer).toMatchObject({ calls: 2, inputTokens: 9, outputTokens: 6, activeParams: 14, failedCalls: 0 });
  });

  it("shares a hash between equal names on one benchmark only", () => {
    const model = new ScriptedChatModel();
    const hash = (name: string, bench: string) => modelResponder({ name, model, bench }).hash;
    expect(hash("ollama:m", "gsm8k")).toBe(hash("ollama:m", "gsm8k"));
    expect(hash("ollama:m", "gsm8k")).not.toBe(hash("ollama:m", "mmlu"));
    expect(hash("ollama:m", "gsm8k")).not.toBe(hash("ollama:n", "gsm8k"));
  });
});
