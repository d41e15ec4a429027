import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddingRouter, routeWithFallback, type EmbeddingRouter, type RoutingExample } from "../../src/routing/index.js";
import { createEmbeddings } from "../../src/models/createEmbeddings.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { startOpenAIDouble, type OpenAIDouble } from "../doubles/openaiDouble.js";

// The doubles embed text as hashed bags of words, so shared words mean similar vectors.
const categories = ["billing", "tech", "shipping"];
const examples: RoutingExample[] = [
  { text: "I was charged twice for my subscription", category: "billing" },
  { text: "please refund my last payment", category: "billing" },
  { text: "my invoice shows the wrong amount", category: "billing" },
  { text: "the app crashes when I open settings", category: "tech" },
  { text: "error message when I log in", category: "tech" },
  { text: "the page does not load after the update", category: "tech" },
  { text: "where is my parcel", category: "shipping" },
  { text: "my order has not arrived yet", category: "shipping" },
  { text: "change the delivery address of my order", category: "shipping" },
];
const queries: Array<[string, string]> = [
  ["refund the payment on my invoice", "billing"],
  ["app crashes with an error on login", "tech"],
  ["parcel delivery is late, where is my order", "shipping"],
];

describe("embedding router over the Ollama double's /api/embed", () => {
  let d: OllamaDouble;
  let router: EmbeddingRouter;
  beforeAll(async () => {
    d = await startOllamaDouble({ models: { "nomic-embed-text": {} } });
    router = createEmbeddingRouter({ embeddings: createEmbeddings(`ollama:nomic-embed-text@${d.url}`), examples, categories, k: 3 });
  });
  afterAll(() => d.close());

  it.each(queries)("routes %j to %s", async (text, expected) => {
    expect((await router.route({ text, categories })).category).toBe(expected);
  });

  it("embedded the examples in one request, as a list, with truncation on", () => {
    const exampleCalls = d.embedCalls.filter((c) => c.input.length === examples.length);
    expect(exampleCalls).toHaveLength(1);
    expect(exampleCalls[0]).toMatchObject({ model: "nomic-embed-text", input: examples.map((e) => e.text), truncate: true });
  });

  it("without a minimum similarity, an off-topic message still wins a category: confidence is agreement, not closeness", async () => {
    const decision = await router.route({ text: "tell me a joke about penguins", categories });
    expect(decision).toMatchObject({ category: "tech", confidence: 1 });
    expect(decision.reason).toBe('2 of 2 nearest examples are "tech" (best similarity 0.144)');
  });

  it("with minSimilarity, the off-topic message goes to the fallback", async () => {
    const strict = createEmbeddingRouter({
      embeddings: createEmbeddings(`ollama:nomic-embed-text@${d.url}`),
      examples,
      categories,
      k: 3,
      minSimilarity: 0.2,
    });
    const final = await routeWithFallback(
      strict,
      { text: "tell me a joke about penguins", categories },
      { threshold: 0.5, fallback: "general" },
    );
    expect(final).toMatchObject({ category: "general", usedFallback: true, fallbackCause: "unknown" });
  });
});

describe("embedding router over the OpenAI double's /v1/embeddings", () => {
  let d: OpenAIDouble;
  let router: EmbeddingRouter;
  beforeAll(async () => {
    d = await startOpenAIDouble({ models: { "bge-small": {} }, requireApiKey: "local-key" });
    router = createEmbeddingRouter({
      embeddings: createEmbeddings(`openai:bge-small@${d.url}/v1`, { apiKey: "local-key" }),
      examples,
      categories,
      k: 3,
    });
  });
  afterAll(() => d.close());

  it.each(queries)("routes %j to %s", async (text, expected) => {
    expect((await router.route({ text, categories })).category).toBe(expected);
  });

  it("asked for float vectors and sent the key", () => {
    expect(d.embedCalls.length).toBeGreaterThan(0);
    expect(d.embedCalls.every((c) => c.encodingFormat === "float" && c.authorization === "Bearer local-key")).toBe(true);
  });

  it("sends the query as a single string", () => {
    expect(d.embedCalls.find((c) => c.input[0] === queries[0]![0])?.singleInput).toBe(true);
  });
});
