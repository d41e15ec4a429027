import { AggregatorFailedError } from "../../src/nodes/aggregate.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { clearContextWindowCache } from "../../src/models/contextWindowOf.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

// Distinct words, so where a cut fell is visible.
const words = (label: string, n: number) => Array.from({ length: n }, (_, i) => `${label}${i}`).join(" ");
const LONG = words("long", 1200); // ~2000 tokens by the characters / 4 estimate
const MEDIUM = words("mid", 120); // ~180 tokens
const SHORT = "Four.";
const question = "What is 2+2? Explain.";
const systemOf = (messages: BaseMessage[]) => messages.find((m) => m.getType() === "system")?.text ?? "";
const block = (system: string, id: number) => new RegExp(`<response id="${id}">\\n([\\s\\S]*?)\\n</response>`).exec(system)?.[1] ?? "";

function smallWindowMoA() {
  const proposers = [LONG, MEDIUM, SHORT].map((reply, i) => new ScriptedChatModel({ reply, label: `p${i + 1}` }));
  const judge = new ScriptedChatModel({ reply: "4", label: "judge" });
  const graph = buildMoAGraph({
    config: {
      layers: [{ agents: proposers.map((model, i) => ({ name: `p${i + 1}`, model })) }],
      aggregator: { name: "judge", model: judge, contextWindow: 1024, maxTokens: 128 },
    },
  }).compile();
  return { graph, judge };
}

describe("context budget in a MoA with a small aggregator window", () => {
  it("cuts the longest proposer answer, marked, and keeps the others whole", async () => {
    const { graph, judge } = smallWindowMoA();
    await graph.invoke({ messages: [new HumanMessage(question)] });
    const system = systemOf(judge.calls[0]!.messages);
    expect(block(system, 1)).toMatch(/^long0 long1 [\s\S]*\n\[… truncated \d+ tokens …\]$/);
    expect(block(system, 2)).toBe(MEDIUM);
    expect(block(system, 3)).toBe(SHORT);
  });

  it("sends the aggregator the user's question whole", async () => {
    const { graph, judge } = smallWindowMoA();
    await graph.invoke({ messages: [new HumanMessage(question)] });
    expect(judge.calls[0]!.messages.at(-1)?.text).toBe(question);
  });

  it("records the cut on the aggregator's answer in state", async () => {
    const { graph } = smallWindowMoA();
    const { answers } = await graph.invoke({ messages: [new HumanMessage(question)] });
    const judge = answers.find((a) => a.agent === "judge")!;
    expect(judge.contextCuts).toMatchObject({
      references: [{ index: 1, fromTokens: Math.ceil(LONG.length / 4) }],
      droppedMessages: 0,
      windowTokens: 1024,
      tokenizer: "estimate",
    });
    expect(judge.contextCuts!.promptTokens).toBeLessThanOrEqual(1024 - 128);
    expect(answers.filter((a) => a.contextCuts !== undefined).map((a) => a.agent)).toEqual(["judge"]);
  });

  it("budgets the aggregating proposers of later layers too", async () => {
    const refiner = new ScriptedChatModel({ reply: "refined" });
    const graph = buildMoAGraph({
      config: {
        layers: [
          { agents: [new ScriptedChatModel({ reply: LONG }), new ScriptedChatModel({ reply: SHORT })] },
          { agents: [{ name: "refiner", model: refiner, contextWindow: 1024, maxTokens: 128 }] },
        ],
        aggregator: new ScriptedChatModel({ reply: "4" }),
      },
    }).compile();
    await graph.invoke({ messages: [new HumanMessage(question)] });
    expect(block(systemOf(refiner.calls[0]!.messages), 1)).toMatch(/\[… truncated \d+ tokens …\]$/);
  });
});

describe("context budget over the Ollama wire protocol", () => {
  let ollama: OllamaDouble;
  beforeAll(async () => {
    clearContextWindowCache();
    ollama = await startOllamaDouble({
      models: { "talker:1b": { reply: LONG }, "brief:1b": { reply: SHORT }, "judge:3b": { reply: "4", contextLength: 1024 } },
    });
  });
  afterAll(() => ollama.close());

  it("reads the aggregator's window from /api/show and cuts to fit it", async () => {
    const graph = buildMoAGraph({
      config: {
        defaults: { baseUrl: ollama.url, retries: 0 },
        layers: [{ agents: ["ollama:talker:1b", "ollama:brief:1b"] }],
        aggregator: { model: "ollama:judge:3b", maxTokens: 128 },
      },
    }).compile();
    const state = await graph.invoke({ messages: [new HumanMessage(question)] });
    const sent = ollama.callsFor("judge:3b")[0]!.messages[0]!.content;
    expect(block(sent, 1)).toMatch(/\n\[… truncated \d+ tokens …\]$/);
    expect(state.answers.find((a) => a.role === "final")?.contextCuts?.windowTokens).toBe(1024);
  });
});

describe("a 1 MB question", () => {
  const huge = `${"Please summarise this. ".repeat(45_590)}`; // 1,048,570 characters
  const proposers = () => [1, 2, 3].map((i) => new ScriptedChatModel({ reply: words(`p${i}x`, 4000), label: `p${i}` }));

  it("reaches the first-layer proposers whole, though their window is 4096", async () => {
    const ps = proposers();
    const graph = buildMoAGraph({
      config: {
        layers: [{ agents: ps.map((model) => ({ model, contextWindow: 4096 })) }],
        aggregator: { model: new ScriptedChatModel({ reply: "ok" }), contextWindow: 400_000 },
      },
    }).compile();
    await graph.invoke({ messages: [new HumanMessage(huge)] });
    for (const p of ps) expect(p.calls[0]!.messages.at(-1)!.text).toBe(huge);
  });

  it("fails clearly, naming the aggregator and the sizes, when its window cannot hold the question", async () => {
    const judge = new ScriptedChatModel({ reply: "ok" });
    const graph = buildMoAGraph({
      config: {
        layers: [{ agents: proposers().map((model) => ({ model, contextWindow: 4096 })) }],
        aggregator: { name: "judge", model: judge, contextWindow: 4096, maxTokens: 512, onFailure: "fail" },
      },
    }).compile();
    const error = await graph.invoke({ messages: [new HumanMessage(huge)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregatorFailedError);
    expect((error as Error).message).toMatch(
      /"judge" .*latest user message alone is \d{6}\).*window of 4096 tokens minus maxTokens 512 leaves 3584/,
    );
    expect(judge.calls).toHaveLength(0);
  });

  it("falls back to the best proposer when the aggregator's window cannot hold the question (the default policy)", async () => {
    const judge = new ScriptedChatModel({ reply: "ok" });
    const graph = buildMoAGraph({
      config: {
        layers: [{ agents: proposers().map((model) => ({ model, contextWindow: 4096 })) }],
        aggregator: { name: "judge", model: judge, contextWindow: 4096, maxTokens: 512 },
      },
    }).compile();
    const state = await graph.invoke({ messages: [new HumanMessage(huge)] });
    const record = state.answers.find((a) => a.agent === "judge")!;
    expect(record.error).toMatch(/does not fit its context window/);
    expect(record.fallbackFrom).toMatch(/^layer1\//);
    expect(judge.calls).toHaveLength(0);
  });

  it("fits by cutting the references when the aggregator's window holds the question", async () => {
    const judge = new ScriptedChatModel({ reply: "summary" });
    const graph = buildMoAGraph({
      config: {
        layers: [{ agents: proposers().map((model) => ({ model, contextWindow: 4096 })) }],
        aggregator: { model: judge, contextWindow: 270_000, maxTokens: 1024 },
      },
    }).compile();
    const state = await graph.invoke({ messages: [new HumanMessage(huge)] });
    expect(state.messages.at(-1)?.text).toBe("summary");
    expect(judge.calls[0]!.messages.at(-1)!.text).toBe(huge);
    expect(systemOf(judge.calls[0]!.messages).match(/\[… truncated \d+ tokens …\]/g)).toHaveLength(3);
  });
});
