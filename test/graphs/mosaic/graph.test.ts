import path from "node:path";
import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildMosaicGraph } from "../../../src/graphs/builders.js";
import { ReplayChatModel } from "../../../src/testing/replay/ReplayChatModel.js";
import { readJsonl } from "../../../src/testing/replay/readJsonl.js";
import { ScriptedChatModel } from "../../../src/testing/ScriptedChatModel.js";

const ask = (text: string) => ({ messages: [new HumanMessage(text)] });

function mosaic(replies: string[], threshold: number) {
  const experts = replies.map((reply, i) => ({ name: `e${i + 1}`, model: new ScriptedChatModel({ reply }) }));
  const aggregator = new ScriptedChatModel({ reply: "aggregated answer" });
  const graph = buildMosaicGraph({ config: { experts, gate: { extractor: { type: "number" }, threshold }, aggregator } }).compile();
  return { graph, aggregator };
}

describe("MOSAIC graph", () => {
  it("skips the aggregator when every expert agrees, answering with the first agreeing expert in full", async () => {
    const { graph, aggregator } = mosaic(["So the total is 18.", "18 dollars", "#### 18"], 1);
    const state = await graph.invoke(ask("How much?"));
    expect(aggregator.calls).toHaveLength(0);
    expect(state.messages.at(-1)?.text).toBe("So the total is 18.");
    expect(state.gates.at(-1)).toMatchObject({ skipped: true, confidence: 1, representative: "e1", extractor: "number" });
  });

  it("calls the aggregator when agreement is below the threshold, recording C and the groups", async () => {
    const { graph, aggregator } = mosaic(["18", "18", "20"], 1);
    const state = await graph.invoke(ask("How much?"));
    expect(aggregator.calls).toHaveLength(1);
    expect(state.messages.at(-1)?.text).toBe("aggregated answer");
    const gate = state.gates.at(-1)!;
    expect(gate.skipped).toBe(false);
    expect(gate.confidence).toBeCloseTo(2 / 3);
    expect(gate.groups).toEqual([
      { key: "18", members: ["e1", "e2"] },
      { key: "20", members: ["e3"] },
    ]);
  });

  it("accepts 2-of-3 agreement with T = 2/3", async () => {
    const { graph, aggregator } = mosaic(["18", "the answer is 18", "20"], 2 / 3);
    const state = await graph.invoke(ask("How much?"));
    expect(aggregator.calls).toHaveLength(0);
    expect(state.messages.at(-1)?.text).toBe("18");
  });

  it("counts an expert with no extractable answer against agreement", async () => {
    const { graph, aggregator } = mosaic(["18", "18", "I am not sure"], 1);
    const state = await graph.invoke(ask("How much?"));
    expect(aggregator.calls).toHaveLength(1);
    expect(state.gates.at(-1)!.confidence).toBeCloseTo(2 / 3);
  });

  it("gates over the experts that answered when one fails", async () => {
    const experts = [
      { name: "ok1", model: new ScriptedChatModel({ reply: "7" }) },
      { name: "ok2", model: new ScriptedChatModel({ reply: "7" }) },
      { name: "down", model: new ScriptedChatModel({ fail: "offline" }) },
    ];
    const aggregator = new ScriptedChatModel({ reply: "agg" });
    const graph = buildMosaicGraph({ config: { experts, gate: { extractor: { type: "number" }, threshold: 1 }, aggregator } }).compile();
    const state = await graph.invoke(ask("?"));
    expect(state.gates.at(-1)).toMatchObject({ skipped: true, confidence: 1 });
    expect(aggregator.calls).toHaveLength(0);
  });

  it("groups free-text answers by lexical similarity", async () => {
    const experts = ["Paris is the capital of France", "The capital of France is Paris", "Lyon"].map((reply, i) => ({
      name: `x${i}`,
      model: new ScriptedChatModel({ reply }),
    }));
    const graph = buildMosaicGraph({
      config: {
        experts,
        gate: { extractor: { type: "cluster", similarity: "lexical", threshold: 0.6 }, threshold: 2 / 3 },
        aggregator: new ScriptedChatModel({ reply: "agg" }),
      },
    }).compile();
    const state = await graph.invoke(ask("Capital of France?"));
    expect(state.gates.at(-1)).toMatchObject({ skipped: true, representative: "x0" });
  });

  it("runs the pipeline on real recorded GSM8K answers of two models", async () => {
    const file = path.resolve(import.meta.dirname, "../../../../shared/datasets/routellm/gsm8k_responses.jsonl");
    const rows = (await readJsonl(file)).slice(0, 12).map((r) => r.value as { question: string; gold_answer: string });
    const gpt4 = await ReplayChatModel.fromJsonl(file, { model: "gpt-4-1106-preview", promptField: "question", responseField: "response" });
    const mixtral = await ReplayChatModel.fromJsonl(file, {
      model: "mistralai/Mixtral-8x7B-Instruct-v0.1",
      promptField: "question",
      responseField: "response",
    });
    const aggregator = await ReplayChatModel.fromJsonl(file, {
      model: "gpt-4-1106-preview",
      promptField: "question",
      responseField: "response",
    });
    const graph = buildMosaicGraph({
      config: {
        experts: [
          { name: "gpt4", model: gpt4 },
          { name: "mixtral", model: mixtral },
        ],
        gate: { extractor: { type: "number" }, threshold: 1 },
        aggregator,
      },
    }).compile();
    let skipped = 0;
    for (const row of rows) {
      const state = await graph.invoke(ask(row.question));
      const gate = state.gates.at(-1)!;
      if (gate.skipped) skipped++;
      // A skip happens exactly when both recorded answers extract to the same number.
      expect(gate.skipped).toBe(gate.groups.length === 1 && gate.groups[0]!.members.length === 2);
    }
    expect(skipped).toBeGreaterThan(0);
    expect(skipped).toBeLessThan(rows.length);
  }, 60_000);
});

describe("MOSAIC with routing", () => {
  it("routes to the category's k experts, then gates their answers", async () => {
    const m = {
      a: new ScriptedChatModel({ reply: "12" }),
      b: new ScriptedChatModel({ reply: "12" }),
      c: new ScriptedChatModel({ reply: "99" }),
      fb: new ScriptedChatModel({ reply: "fallback" }),
    };
    const aggregator = new ScriptedChatModel({ reply: "agg" });
    const graph = buildMosaicGraph({
      config: {
        categories: ["math", "other"],
        router: { type: "rules", rules: [{ category: "math", keywords: ["sum"] }] },
        experts: {
          math: [
            { name: "a", model: m.a },
            { name: "b", model: m.b },
          ],
          other: [{ name: "c", model: m.c }],
        },
        fallback: { name: "fb", model: m.fb },
        gate: { extractor: { type: "number" }, threshold: 1 },
        aggregator,
      },
    }).compile();
    const state = await graph.invoke(ask("What is the sum of 5 and 7?"));
    expect(state.routes.at(-1)!.experts).toEqual(["expert/a", "expert/b"]);
    expect(m.c.calls).toHaveLength(0);
    expect(state.gates.at(-1)).toMatchObject({ skipped: true, representative: "a" });
    expect(state.messages.at(-1)?.text).toBe("12");
    expect(aggregator.calls).toHaveLength(0);
  });

  it("needs categories, a router and a fallback for experts by category", () => {
    expect(() =>
      buildMosaicGraph({
        config: { experts: { math: ["ollama:a", "ollama:b"] }, gate: { extractor: { type: "number" } }, aggregator: "ollama:c" },
      }),
    ).toThrow(/experts: experts by category need categories, a router and a fallback/);
  });
});

describe("MOSAIC edge cases", () => {
  it("reports blank input once, clearly", async () => {
    const { graph } = mosaic(["1", "1", "1"], 1);
    await expect(graph.invoke(ask("  "))).rejects.toThrow(/^input\.messages: the last user message is empty/);
  });

  it("keeps repeated experts in a list as separate experts", async () => {
    const model = new ScriptedChatModel({ reply: "5" });
    const graph = buildMosaicGraph({
      config: {
        experts: [model, model, new ScriptedChatModel({ reply: "6" })],
        gate: { extractor: { type: "number" }, threshold: 1 },
        aggregator: new ScriptedChatModel({ reply: "agg" }),
      },
    }).compile();
    const state = await graph.invoke(ask("?"));
    expect(model.calls).toHaveLength(2);
    expect(state.gates.at(-1)!.confidence).toBeCloseTo(2 / 3);
  });

  it("fails with every expert's error when all experts fail", async () => {
    const experts = [new ScriptedChatModel({ fail: "down 1" }), new ScriptedChatModel({ fail: "down 2" })].map((model, i) => ({
      name: `d${i}`,
      model,
    }));
    const graph = buildMosaicGraph({
      config: { experts, gate: { extractor: { type: "number" } }, aggregator: new ScriptedChatModel({ reply: "agg" }) },
    }).compile();
    await expect(graph.invoke(ask("?"))).rejects.toThrow(/layer 1: no agent answered[\s\S]*down 1[\s\S]*down 2/);
  });

  it("rejects a router or fallback with a list of experts", () => {
    expect(() =>
      buildMosaicGraph({
        config: {
          experts: ["ollama:a", "ollama:b"],
          fallback: "ollama:c",
          gate: { extractor: { type: "number" } },
          aggregator: "ollama:d",
        },
      }),
    ).toThrow(/fallback: "fallback" needs experts by category/);
  });
});
