import { describe, expect, it } from "vitest";
import { renderSummaryTable } from "../../src/cli/render.js";

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

  it("shortens an hf: reference to its tail", () => {
    const text = renderSummaryTable(summary);
    expect(text).toMatch(/hf:…[^ ]*-Q4_K_M\.gguf/);
    expect(text).not.toContain("bartowski");
  });

  it("numbers a failure that does not fit and prints its reason under the table", () => {
    const text = renderSummaryTable(summary);
    expect(text).toContain("│ failed [1] │");
    expect(text).toContain("[1] smollm2-360m-instruct-q8: the model ran out of context window");
  });

  it("keeps a short failure reason in the table", () => {
    const text = renderSummaryTable({ ...summary, rows: [{ ...summary.rows[1]!, agent: "small", model: "ollama:m", error: "HTTP 500" }] });
    expect(text).toContain("failed: HTTP 500");
  });
});
