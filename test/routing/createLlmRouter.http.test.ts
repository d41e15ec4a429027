import { afterEach, describe, expect, it } from "vitest";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import { createLlmRouter } from "../../src/routing/index.js";
import { startOllamaDouble, type OllamaChatRequest, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { startOpenAIDouble, type OpenAIDouble } from "../doubles/openaiDouble.js";

const categories = ["billing", "tech", "shipping"];
const input = { text: "I was charged twice this month", categories };
const open: Array<OllamaDouble | OpenAIDouble> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
const ollamaRouter = async (reply: string | ((req: OllamaChatRequest) => string)) => {
  const d = await startOllamaDouble({ models: { "qwen2.5:1.5b": { reply } } });
  open.push(d);
  const model = new ChatOllama({ model: "qwen2.5:1.5b", baseUrl: d.url, maxRetries: 0 });
  return { d, router: createLlmRouter({ model, categories }) };
};
const asksForJson = (req: OllamaChatRequest): boolean => req.messages[0]?.content.includes("Reply with exactly one JSON object") ?? false;

describe("LLM router with the real ChatOllama (Ollama double)", () => {
  it("uses Ollama's structured outputs: the JSON schema travels in `format`", async () => {
    const { d, router } = await ollamaRouter('{"category": "billing", "confidence": 0.9, "reason": "double charge"}');
    expect(await router.route(input)).toEqual({ category: "billing", confidence: 0.9, reason: "double charge", method: "structured" });
    const format = d.calls[0]?.format as { properties: { category: { enum: string[] } }; required: string[] };
    expect(format.properties.category.enum).toEqual([...categories, "unknown"]);
    expect(d.calls).toHaveLength(1);
  });

  it("falls back to the JSON prompt when the structured answer does not parse", async () => {
    const { d, router } = await ollamaRouter((req) =>
      asksForJson(req) ? 'Sure: {"category": "tech", "confidence": 0.8, "reason": "x"}' : "I think tech",
    );
    expect(await router.route(input)).toMatchObject({ category: "tech", confidence: 0.8, method: "json" });
    expect(d.calls.map((c) => c.format !== undefined)).toEqual([true, false]);
  });

  it("an answer outside the enum fails ChatOllama's validation, then the JSON reading names it", async () => {
    const { d, router } = await ollamaRouter('{"category": "refunds", "confidence": 0.9, "reason": "x"}');
    const decision = await router.route(input);
    expect(decision).toMatchObject({ category: undefined, confidence: 0, method: "json" });
    expect(decision.reason).toContain('"refunds"');
    expect(d.calls).toHaveLength(2);
  });

  it("an abort ends the route although ChatOllama waits on a server that never answers", async () => {
    const d = await startOllamaDouble({ models: { m: { failure: "hang" } } });
    open.push(d);
    const router = createLlmRouter({ model: new ChatOllama({ model: "m", baseUrl: d.url, maxRetries: 0 }), categories });
    // The server never answers: only the abort can end the route.
    await expect(router.route({ ...input, signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(d.calls).toHaveLength(1); // no JSON-prompt retry after an abort
  });
});

describe("LLM router with the real ChatOpenAI (OpenAI double)", () => {
  it("sends a strict json_schema response_format that lists every field as required", async () => {
    const d = await startOpenAIDouble({
      models: { "qwen2.5-1.5b-instruct": { reply: '{"category": "billing", "confidence": 0.7, "reason": "charge"}' } },
    });
    open.push(d);
    const model = new ChatOpenAI({ model: "qwen2.5-1.5b-instruct", apiKey: "k", configuration: { baseURL: `${d.url}/v1` }, maxRetries: 0 });
    expect(await createLlmRouter({ model, categories }).route(input)).toMatchObject({
      category: "billing",
      confidence: 0.7,
      method: "structured",
    });
    const format = d.calls[0]?.body.response_format as {
      type: string;
      json_schema: { name: string; strict: boolean; schema: { required: string[] } };
    };
    expect(format).toMatchObject({ type: "json_schema", json_schema: { name: "route", strict: true } });
    expect([...format.json_schema.schema.required].sort()).toEqual(["category", "confidence", "reason"]);
  });
});
