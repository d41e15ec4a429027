import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildCoEGraph } from "../../../src/graphs/builders.js";
import { summarizeCost } from "../../../src/report/summarizeCost.js";
import { ScriptedChatModel } from "../../../src/testing/ScriptedChatModel.js";
import { ConfigError } from "../../../src/errors/ConfigError.js";

const ask = (text: string) => ({ messages: [new HumanMessage(text)] });

function experts() {
  return {
    math: new ScriptedChatModel({ reply: "math expert: 42", label: "math-model" }),
    code: new ScriptedChatModel({ reply: "code expert: use a loop", label: "code-model" }),
    codeReviewer: new ScriptedChatModel({ reply: "reviewer: add tests", label: "reviewer-model" }),
    general: new ScriptedChatModel({ reply: "general expert: hello", label: "general-model" }),
    aggregator: new ScriptedChatModel({ reply: "combined code advice", label: "agg-model" }),
  };
}

function ruleCoE(m = experts()) {
  const graph = buildCoEGraph({
    config: {
      categories: ["math", "code", "general"],
      router: {
        type: "rules",
        rules: [
          { category: "math", keywords: ["sum", "multiply"] },
          { category: "code", keywords: ["python", "function"] },
        ],
      },
      experts: {
        math: { name: "math", model: m.math, activeParams: "1.5B" },
        code: [
          { name: "coder", model: m.code, activeParams: "7B" },
          { name: "reviewer", model: m.codeReviewer, activeParams: "3B" },
        ],
      },
      fallback: { name: "general", model: m.general, activeParams: "3B" },
      aggregator: { model: m.aggregator, activeParams: "7B" },
    },
  }).compile();
  return { graph, m };
}

describe("CoE graph", () => {
  it("routes to the category's single expert, whose answer is the reply", async () => {
    const { graph, m } = ruleCoE();
    const state = await graph.invoke(ask("What is the sum of 40 and 2?"));
    expect(state.messages.at(-1)?.text).toBe("math expert: 42");
    expect(state.routes.at(-1)).toMatchObject({ category: "math", usedFallback: false, experts: ["expert/math"] });
    expect(m.code.calls).toHaveLength(0);
    expect(m.aggregator.calls).toHaveLength(0);
  });

  it("runs several experts of a category in parallel and aggregates them", async () => {
    const { graph, m } = ruleCoE();
    const state = await graph.invoke(ask("Write a python function"));
    expect(state.messages.at(-1)?.text).toBe("combined code advice");
    const system = m.aggregator.calls[0]!.messages[0]!.text;
    expect(system).toContain("code expert: use a loop");
    expect(system).toContain("reviewer: add tests");
    expect(m.math.calls).toHaveLength(0);
  });

  it("sends an input no rule matches to the fallback expert, recording why", async () => {
    const { graph } = ruleCoE();
    const state = await graph.invoke(ask("Tell me a story"));
    expect(state.messages.at(-1)?.text).toBe("general expert: hello");
    expect(state.routes.at(-1)).toMatchObject({ usedFallback: true, experts: ["expert/general"] });
    expect(state.routes.at(-1)!.reason).toMatch(/no (rule|keyword|pattern)/i);
  });

  it("counts calls, tokens and average active parameters per run", async () => {
    const { graph } = ruleCoE();
    const cost = summarizeCost(await graph.invoke(ask("Write a python function")));
    expect(cost.calls).toBe(3);
    expect(cost.inputTokens).toBeGreaterThan(0);
    expect(cost.outputTokens).toBeGreaterThan(0);
    // coder 7B + reviewer 3B + aggregator 7B
    expect(cost.activeParams).toBe(17e9);
  });

  it("routes with an LLM classifier that answers in JSON and records the router's call", async () => {
    const m = experts();
    const router = new ScriptedChatModel({ reply: '{"category": "code", "confidence": 0.92}', label: "router-model" });
    const graph = buildCoEGraph({
      config: {
        categories: ["math", "code"],
        router: { type: "llm", model: router, threshold: 0.5 },
        experts: { math: m.math, code: m.code },
        fallback: m.general,
      },
    }).compile();
    const state = await graph.invoke(ask("Fix my bug"));
    expect(state.messages.at(-1)?.text).toBe("code expert: use a loop");
    expect(state.routes.at(-1)).toMatchObject({ router: "llm", category: "code", confidence: 0.92, usedFallback: false });
    expect(state.answers.find((a) => a.role === "router")).toMatchObject({ agent: "router", content: "code" });
  });

  it("sends a low-confidence LLM decision to the fallback", async () => {
    const m = experts();
    const router = new ScriptedChatModel({ reply: '{"category": "math", "confidence": 0.2}' });
    const graph = buildCoEGraph({
      config: {
        categories: ["math", "code"],
        router: { type: "llm", model: router, threshold: 0.5 },
        experts: { math: m.math, code: m.code },
        fallback: m.general,
      },
    }).compile();
    const state = await graph.invoke(ask("Hmm?"));
    expect(state.messages.at(-1)?.text).toBe("general expert: hello");
    expect(state.routes.at(-1)).toMatchObject({ proposedCategory: "math", usedFallback: true });
    expect(state.routes.at(-1)!.category).toBeUndefined();
  });

  it("falls back when the router itself fails", async () => {
    const m = experts();
    const graph = buildCoEGraph({
      config: {
        categories: ["math"],
        router: { type: "llm", model: new ScriptedChatModel({ fail: "router down" }), threshold: 0 },
        experts: { math: m.math },
        fallback: m.general,
      },
    }).compile();
    const state = await graph.invoke(ask("2+2?"));
    expect(state.messages.at(-1)?.text).toBe("general expert: hello");
    expect(state.routes.at(-1)!.reason).toMatch(/router failed: router down/);
    const routerRecord = state.answers.find((a) => a.role === "router");
    expect(routerRecord).toMatchObject({ error: "router failed: router down" });
    expect(routerRecord?.content).toBeUndefined();
  });

  it("rejects empty input before routing", async () => {
    const { graph } = ruleCoE();
    await expect(graph.invoke(ask("   "))).rejects.toThrow(/last user message is empty/);
  });

  it("rejects experts for an undeclared category", () => {
    const m = experts();
    expect(() =>
      buildCoEGraph({
        config: {
          categories: ["math"],
          router: { type: "rules", rules: [{ category: "math", keywords: ["sum"] }] },
          experts: { poetry: m.general },
          fallback: m.general,
        },
      }),
    ).toThrow(/experts\.poetry: unknown category "poetry"/);
  });

  it("requires an aggregator when a category has several experts", () => {
    const m = experts();
    expect(() =>
      buildCoEGraph({
        config: {
          categories: ["code"],
          router: { type: "rules", rules: [{ category: "code", keywords: ["x"] }] },
          experts: { code: [m.code, m.codeReviewer] },
          fallback: m.general,
        },
      }),
    ).toThrow(ConfigError);
  });
});

describe("CoE configuration checks", () => {
  const base = { categories: ["math", "code"], experts: { math: "ollama:a" }, fallback: "ollama:b" };

  it("reports an invalid rule pattern at its path", () => {
    expect(() =>
      buildCoEGraph({ config: { ...base, router: { type: "rules", rules: [{ category: "code", patterns: ["(unclosed"] }] } } }),
    ).toThrow(/router\.rules\[0\]: invalid pattern "\(unclosed"/);
  });

  it("reports a rule without keywords or patterns", () => {
    expect(() => buildCoEGraph({ config: { ...base, router: { type: "rules", rules: [{ category: "code" }] } } })).toThrow(
      /router\.rules\[0\]: has no keywords or patterns/,
    );
  });

  it("lists the router types when the type is unknown", () => {
    expect(() => buildCoEGraph({ config: { ...base, router: { type: "knn" } as never } })).toThrow(
      /router\.type: expected one of "llm", "rules", "embedding"/,
    );
  });

  it("rejects a category listed twice and the reserved name unknown", () => {
    expect(() =>
      buildCoEGraph({
        config: { ...base, categories: ["math", "math"], router: { type: "rules", rules: [{ category: "math", keywords: ["x"] }] } },
      }),
    ).toThrow(/categories: a category is listed twice/);
    expect(() =>
      buildCoEGraph({
        config: { ...base, categories: ["unknown"], router: { type: "rules", rules: [{ category: "unknown", keywords: ["x"] }] } },
      }),
    ).toThrow(/"unknown" is reserved/);
  });

  it("treats the same model named for a category and as the fallback as one expert", () => {
    const same = { model: "ollama:llama3.2:3b", activeParams: "3.2B" };
    const graph = buildCoEGraph({
      config: {
        categories: ["general"],
        router: { type: "rules", rules: [{ category: "general", keywords: ["x"] }] },
        experts: { general: { ...same } },
        fallback: { ...same },
      },
    }).compile();
    expect(Object.keys(graph.getGraph().nodes).filter((n) => n.startsWith("expert/"))).toEqual(["expert/llama3.2-3b"]);
  });
});
