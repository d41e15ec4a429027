import { describe, expect, it } from "vitest";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { formatParams, renderDecisions, renderSummaryTable } from "../../src/cli/render.js";

const HF = "hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf";

describe("renderSummaryTable", () => {
  const summary = {
    rows: [
      {
        layer: 1,
        agent: "qwen2.5-1.5b-instruct-q4",
        role: "proposer" as const,
        model: HF,
        latencyMs: 1234,
        inputTokens: 12,
        outputTokens: 80,
      },
      {
        layer: 1,
        agent: "smollm2-360m-instruct-q8",
        role: "proposer" as const,
        model: "hf:HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/smollm2-360m-instruct-q8_0.gguf",
        latencyMs: 2345,
        error: "the model ran out of context window while reading the references of the previous layer",
      },
      { layer: 2, agent: "aggregator", role: "final" as const, model: HF, latencyMs: 3456, inputTokens: 300, outputTokens: 120 },
    ],
    totals: { calls: 3, failed: 1, late: 0, inputTokens: 312, outputTokens: 200 },
    cost: { calls: 3, inputTokens: 312, outputTokens: 200, activeParams: 0, callsWithUnknownParams: 3 },
  };

  it("fits 100 columns with hf: model references and a long failure", () => {
    for (const line of renderSummaryTable(summary).split("\n")) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it("shortens an hf: reference to the start of its file name, which tells models apart", () => {
    const text = renderSummaryTable(summary);
    expect(text).toContain("│ hf:…/Qwen2.5-1.5B");
    expect(text).not.toContain("bartowski");
  });

  it("numbers a failure that does not fit and prints its reason under the table", () => {
    const text = renderSummaryTable(summary);
    expect(text).toContain("│ failed [1] │");
    expect(text).toContain("[1] smollm2-360m-instruct-q8: the model ran out of context window");
  });

  it("wraps a long reason under the table instead of cutting it, within 100 columns", () => {
    const error = summary.rows[1]!.error!;
    const text = renderSummaryTable(summary);
    const notes = text.slice(text.indexOf("\n[1] ") + 1, text.lastIndexOf("\n", text.indexOf(" calls, ")));
    expect(notes.replace(/\n {4}/g, " ")).toBe(`[1] smollm2-360m-instruct-q8: ${error}`);
    for (const line of notes.split("\n")) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it("keeps a short failure reason in the table", () => {
    const text = renderSummaryTable({ ...summary, rows: [{ ...summary.rows[1]!, agent: "small", model: "ollama:m", error: "HTTP 500" }] });
    expect(text).toContain("failed: HTTP 500");
  });
});

describe("renderDecisions", () => {
  const route = (turn: number, reason: string) => ({
    turn,
    router: "llm",
    category: "math",
    confidence: 0.9,
    usedFallback: false,
    reason,
    experts: ["expert/math"],
  });

  it("prints only this turn's route on a continued thread", () => {
    const state = {
      messages: [new HumanMessage("What is 2+2?"), new AIMessage("4"), new HumanMessage("And 3+3?")],
      routes: [route(1, "about 2+2")],
      gates: [],
    };
    expect(renderDecisions(state, new Set())).toBe("");
    expect(renderDecisions({ ...state, routes: [...state.routes, route(2, "about 3+3")] }, new Set())).toContain("about 3+3");
  });
});

describe("formatParams", () => {
  it("keeps a decimal for a few million parameters, where models differ in it", () => {
    expect(formatParams(1_539_144)).toBe("1.5M");
  });

  it("rounds tens of millions and more to whole millions, and billions to one decimal", () => {
    expect([formatParams(360_000_000), formatParams(1_540_000_000)]).toEqual(["360M", "1.5B"]);
  });
});
