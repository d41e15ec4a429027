import { afterEach, describe, expect, it } from "vitest";
import { OllamaEmbeddings } from "@langchain/ollama";
import { OpenAIEmbeddings } from "@langchain/openai";
import { cosineSimilarity } from "../../src/routing/index.js";
import { hashedWordVector, startOllamaDouble, type OllamaDouble, type OllamaDoubleOptions } from "./ollamaDouble.js";
import { startOpenAIDouble, type OpenAIDouble, type OpenAIDoubleOptions } from "./openaiDouble.js";

const open: Array<OllamaDouble | OpenAIDouble> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
const ollamaDouble = async (options: OllamaDoubleOptions = { models: { m: {} } }) => {
  const d = await startOllamaDouble(options);
  open.push(d);
  return d;
};
const openaiDouble = async (options: OpenAIDoubleOptions = { models: { m: {} } }) => {
  const d = await startOpenAIDouble(options);
  open.push(d);
  return d;
};
const post = async (url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const norm = (v: number[]): number => Math.hypot(...v);

describe("hashedWordVector", () => {
  it("is deterministic", () => {
    expect(hashedWordVector("refund my invoice", 64)).toEqual(hashedWordVector("refund my invoice", 64));
  });

  it("ignores case and punctuation", () => {
    expect(hashedWordVector("Refund, my INVOICE!", 64)).toEqual(hashedWordVector("refund my invoice", 64));
  });

  it("gives texts sharing words a higher similarity than texts sharing none", () => {
    const a = hashedWordVector("refund my last invoice", 256);
    expect(cosineSimilarity(a, hashedWordVector("invoice refund please", 256))).toBeGreaterThan(
      cosineSimilarity(a, hashedWordVector("app crashes at login", 256)),
    );
  });
});

describe("Ollama double: POST /api/embed", () => {
  it("answers a list input with one unit vector per text", async () => {
    const d = await ollamaDouble();
    const { status, json } = await post(`${d.url}/api/embed`, { model: "m", input: ["a b", "c"] });
    expect(status).toBe(200);
    const embeddings = json.embeddings as number[][];
    expect(embeddings).toHaveLength(2);
    expect(embeddings.map((v) => v.length)).toEqual([256, 256]);
    expect(norm(embeddings[0]!)).toBeCloseTo(1, 10);
  });

  it("answers in Ollama's shape", async () => {
    const d = await ollamaDouble();
    const { json } = await post(`${d.url}/api/embed`, { model: "m", input: "hello" });
    expect(json).toMatchObject({ model: "m", total_duration: expect.any(Number), load_duration: expect.any(Number), prompt_eval_count: 1 });
  });

  it("answers an empty single string with no embeddings, like Ollama", async () => {
    const d = await ollamaDouble();
    expect((await post(`${d.url}/api/embed`, { model: "m", input: "" })).json.embeddings).toEqual([]);
  });

  it("shortens vectors to the requested dimensions", async () => {
    const d = await ollamaDouble();
    expect(((await post(`${d.url}/api/embed`, { model: "m", input: "x y", dimensions: 8 })).json.embeddings as number[][])[0]).toHaveLength(
      8,
    );
  });

  it("uses a model's embed function when given", async () => {
    const d = await ollamaDouble({ models: { m: { embed: () => [3, 4] } } });
    expect((await post(`${d.url}/api/embed`, { model: "m", input: "x" })).json.embeddings).toEqual([[0.6, 0.8]]);
  });

  it("404s an unknown model with Ollama's message", async () => {
    const d = await ollamaDouble();
    expect(await post(`${d.url}/api/embed`, { model: "nope", input: "x" })).toEqual({
      status: 404,
      json: { error: 'model "nope" not found, try pulling it first' },
    });
  });

  it("400s an input that is not text", async () => {
    const d = await ollamaDouble();
    expect((await post(`${d.url}/api/embed`, { model: "m", input: [1, 2] })).status).toBe(400);
  });

  it("records embed calls apart from chat calls", async () => {
    const d = await ollamaDouble();
    await post(`${d.url}/api/embed`, { model: "m", input: "one" });
    expect(d.embedCalls).toMatchObject([{ model: "m", input: ["one"], singleInput: true, status: 200, outcome: "ok" }]);
    expect(d.calls).toHaveLength(0);
  });

  it("serves the real OllamaEmbeddings, which sends every text as a list and truncate: false", async () => {
    const d = await ollamaDouble();
    const vectors = await new OllamaEmbeddings({ model: "m", baseUrl: d.url }).embedDocuments(["a", "b", "c"]);
    expect(vectors).toHaveLength(3);
    expect(d.embedCalls).toHaveLength(1);
    expect(d.embedCalls[0]).toMatchObject({ input: ["a", "b", "c"], singleInput: false, truncate: false });
  });
});

describe("OpenAI double: POST /v1/embeddings", () => {
  it("answers float vectors in OpenAI's shape", async () => {
    const d = await openaiDouble();
    const { status, json } = await post(`${d.url}/v1/embeddings`, { model: "m", input: ["a b", "c"], encoding_format: "float" });
    expect(status).toBe(200);
    expect(json).toMatchObject({ object: "list", model: "m", usage: { prompt_tokens: 3, total_tokens: 3 } });
    const data = json.data as Array<{ object: string; index: number; embedding: number[] }>;
    expect(data.map((e) => [e.object, e.index, e.embedding.length])).toEqual([
      ["embedding", 0, 256],
      ["embedding", 1, 256],
    ]);
  });

  it("answers base64 little-endian float32 when asked", async () => {
    const d = await openaiDouble({ models: { m: { embed: () => [3, 4] } } });
    const { json } = await post(`${d.url}/v1/embeddings`, { model: "m", input: "x", encoding_format: "base64" });
    const bytes = Buffer.from((json.data as Array<{ embedding: string }>)[0]!.embedding, "base64");
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)].map((v) => Number(v.toFixed(6)))).toEqual([0.6, 0.8]);
  });

  it("400s an empty input, like OpenAI", async () => {
    const d = await openaiDouble();
    expect((await post(`${d.url}/v1/embeddings`, { model: "m", input: "" })).status).toBe(400);
  });

  it("404s an unknown model", async () => {
    const d = await openaiDouble();
    expect((await post(`${d.url}/v1/embeddings`, { model: "nope", input: "x" })).json).toMatchObject({
      error: { code: "model_not_found" },
    });
  });

  it("401s a wrong key when a key is required", async () => {
    const d = await openaiDouble({ models: { m: {} }, requireApiKey: "right" });
    const e = new OpenAIEmbeddings({ model: "m", apiKey: "wrong", configuration: { baseURL: `${d.url}/v1` }, maxRetries: 0 });
    await expect(e.embedQuery("x")).rejects.toMatchObject({ status: 401 });
  });

  it("serves the real OpenAIEmbeddings, which asks for base64 by default and decodes it", async () => {
    const d = await openaiDouble();
    const vector = await new OpenAIEmbeddings({
      model: "m",
      apiKey: "k",
      configuration: { baseURL: `${d.url}/v1` },
      maxRetries: 0,
    }).embedQuery("refund my invoice");
    expect(d.embedCalls[0]?.encodingFormat).toBe("base64");
    expect(vector.map((v) => Number(v.toFixed(5)))).toEqual(
      hashedWordVector("refund my invoice", 256).map((v) => Number((v / Math.sqrt(3)).toFixed(5))),
    );
  });

  it("a server that ignores encoding_format still works with the openai client @langchain/openai 1.6 bundles", async () => {
    // openai v4 decoded such float arrays as base64 into zeros; the v7 client used here keeps arrays as they are.
    const d = await openaiDouble({ models: { m: {} }, embeddingsIgnoreEncodingFormat: true });
    const vector = await new OpenAIEmbeddings({
      model: "m",
      apiKey: "k",
      configuration: { baseURL: `${d.url}/v1` },
      maxRetries: 0,
    }).embedQuery("refund my invoice");
    expect(d.embedCalls[0]?.encodingFormat).toBe("base64");
    expect(vector.filter((v) => v !== 0)).toHaveLength(3);
  });
});
