import { describe, expect, it, vi } from "vitest";
import { ChatOllama, type ChatOllamaInput } from "@langchain/ollama";
import { type AIMessageChunk, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { concat } from "@langchain/core/utils/stream";
import type { OllamaDouble } from "./ollamaDouble.js";
import { trackedOllamaDoubles } from "../helpers/trackedOllamaDoubles.js";

const start = trackedOllamaDoubles();

function chat(d: OllamaDouble, model: string, extra: Partial<ChatOllamaInput> = {}): ChatOllama {
  return new ChatOllama({ model, baseUrl: d.url, maxRetries: 0, ...extra });
}

const delay = (ms: number): Promise<"timeout"> => new Promise((r) => setTimeout(() => r("timeout"), ms));

/** Settles a promise into a tag so a still-pending promise can be detected without unhandled rejections. */
const state = (p: Promise<unknown>): Promise<"resolved" | "rejected"> =>
  p.then(
    () => "resolved" as const,
    () => "rejected" as const,
  );

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("Ollama double with the real ChatOllama", () => {
  it("invoke returns the configured reply and usage_metadata from prompt_eval_count/eval_count", async () => {
    const d = await start({ models: { m: { reply: "Paris is the capital.", promptTokens: 12, evalTokens: 5 } } });
    const msg = await chat(d, "m").invoke("Capital of France?");
    expect(msg.content).toBe("Paris is the capital.");
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 12, output_tokens: 5, total_tokens: 17 });
    expect(msg.response_metadata).toMatchObject({ done: true, done_reason: "stop", model: "m" });
  });

  it("default reply echoes the model and the last user message", async () => {
    const d = await start({ models: { "llama3.2:1b": {} } });
    const msg = await chat(d, "llama3.2:1b").invoke([new HumanMessage("first"), new HumanMessage("What is 2+2?")]);
    expect(msg.content).toBe("[llama3.2:1b] answer to: What is 2+2?");
  });

  it("stream() yields several chunks that add up to the reply, the last carrying usage", async () => {
    const d = await start({ models: { m: { reply: "one two three four five six", chunkSize: 4 } } });
    const chunks: AIMessageChunk[] = [];
    for await (const c of await chat(d, "m").stream("go")) chunks.push(c);
    expect(chunks.filter((c) => c.content !== "").length).toBeGreaterThanOrEqual(5);
    const full = chunks.reduce((a, b) => concat(a, b));
    expect(full.content).toBe("one two three four five six");
    expect(full.usage_metadata?.output_tokens).toBe(6);
  });

  it("sampling options arrive in the request's options object", async () => {
    const d = await start({ models: { m: {} } });
    await chat(d, "m", { temperature: 0.3, seed: 42, numPredict: 64, topP: 0.9, numCtx: 2048 }).invoke("hi");
    expect(d.calls).toHaveLength(1);
    expect(d.calls[0]?.options).toEqual({ temperature: 0.3, seed: 42, num_predict: 64, top_p: 0.9, num_ctx: 2048 });
    expect(d.calls[0]?.stream).toBe(true); // ChatOllama streams even for invoke()
  });

  it("records messages with roles, and a reply function sees them", async () => {
    const d = await start({ models: { m: { reply: (req) => `${req.messages.length} msgs, t=${String(req.options.temperature)}` } } });
    const msg = await chat(d, "m", { temperature: 0 }).invoke([new SystemMessage("be brief"), new HumanMessage("hello")]);
    expect(msg.content).toBe("2 msgs, t=0");
    expect(d.callsFor("m")[0]?.messages).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "hello" },
    ]);
  });

  it("unknown model rejects with ResponseError, status_code 404 and Ollama's exact text", async () => {
    const d = await start({ models: { m: {} } });
    const err: unknown = await chat(d, "nope")
      .invoke("hi")
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ResponseError", status_code: 404, message: 'model "nope" not found, try pulling it first' });
    expect(d.calls[0]).toMatchObject({ model: "nope", status: 404, outcome: "notFound" });
  });

  it("acceptAnyModel answers unknown models with the echo", async () => {
    const d = await start({ acceptAnyModel: true });
    expect((await chat(d, "whatever:7b").invoke("ping")).content).toBe("[whatever:7b] answer to: ping");
  });

  it("a model name without tag also matches name:latest, like Ollama", async () => {
    const d = await start({ models: { "qwen2.5:latest": { reply: "ok" } } });
    expect((await chat(d, "qwen2.5").invoke("x")).content).toBe("ok");
  });

  it("http500 rejects with ResponseError status_code 500", async () => {
    const d = await start({ models: { m: { failure: "http500" } } });
    await expect(chat(d, "m").invoke("x")).rejects.toMatchObject({ name: "ResponseError", status_code: 500 });
    expect(d.calls[0]?.outcome).toBe("http500");
  });

  it("cutBeforeDone rejects: a stream without done:true is an error for ollama-js", async () => {
    const d = await start({ models: { m: { reply: "a long enough answer", failure: "cutBeforeDone" } } });
    await expect(chat(d, "m").invoke("x")).rejects.toThrow("Did not receive done or success response in stream.");
  });

  it("invalidJsonLine rejects; ollama-js itself only warns about the bad line and skips it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const d = await start({ models: { m: { failure: "invalidJsonLine" } } });
      await expect(chat(d, "m").invoke("x")).rejects.toThrow("Did not receive done");
      expect(warn).toHaveBeenCalledWith("invalid json: ", expect.stringContaining('"role": "assist'));
    } finally {
      warn.mockRestore();
    }
  });

  it("invalidJsonLineThenDone resolves for ollama-js alone, without the part after the bad line's place", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const d = await start({ models: { m: { reply: "one two three four five six", failure: "invalidJsonLineThenDone" } } });
      expect((await chat(d, "m").invoke("x")).content).toBe("one two three four five six");
      expect(warn).toHaveBeenCalledWith("invalid json: ", expect.stringContaining('"role": "assist'));
      expect(d.calls[0]?.outcome).toBe("invalidJsonLineThenDone");
    } finally {
      warn.mockRestore();
    }
  });

  it("lineWithoutMessage makes ollama-js itself throw a TypeError", async () => {
    const d = await start({ models: { m: { reply: "one two three four five six", failure: "lineWithoutMessage" } } });
    await expect(chat(d, "m").invoke("x")).rejects.toThrow("Cannot read properties of undefined (reading 'content')");
  });

  it("errorMidStream rejects with the streamed error text (plain Error, no status_code)", async () => {
    const d = await start({ models: { m: { failure: "errorMidStream" } } });
    const err: unknown = await chat(d, "m")
      .invoke("x")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/unexpected EOF/);
    expect(err).not.toHaveProperty("status_code");
  });

  it("emptyAnswer does NOT reject: the client resolves with empty content and eval_count 0", async () => {
    const d = await start({ models: { m: { failure: "emptyAnswer" } } });
    const msg = await chat(d, "m").invoke("x");
    expect(msg.content).toBe("");
    expect(msg.usage_metadata?.output_tokens).toBe(0);
  });

  it("hang: ChatOllama 1.3 ignores an AbortSignal while waiting for the response (library limitation)", async () => {
    const d = await start({ models: { m: { failure: "hang" } } });
    const pending = state(chat(d, "m").invoke("x", { signal: AbortSignal.timeout(100) }));
    expect(await Promise.race([pending, delay(400)])).toBe("timeout");
    await d.close(); // releases the request (afterEach's close() is then a no-op)
    expect(await pending).toBe("rejected");
  });

  it("an AbortSignal firing mid-stream makes ChatOllama 1.3 RESOLVE with partial content (library limitation)", async () => {
    const reply = "0123456789".repeat(8);
    const d = await start({ models: { m: { reply, chunkSize: 2, chunkDelayMs: 50 } } }); // 40 chunks, ~2 s
    const msg = await chat(d, "m").invoke("x", { signal: AbortSignal.timeout(400) });
    expect(msg.content.length).toBeGreaterThan(0);
    expect(msg.content.length).toBeLessThan(reply.length);
    expect(reply.startsWith(msg.text)).toBe(true);
  });

  it("hang: a custom fetch with its own timeout signal makes ChatOllama reject promptly", async () => {
    const d = await start({ models: { m: { failure: "hang" } } });
    const timedFetch: typeof fetch = (input, init) =>
      fetch(input, { ...init, signal: AbortSignal.any([AbortSignal.timeout(150), ...(init?.signal ? [init.signal] : [])]) });
    await expect(chat(d, "m", { fetch: timedFetch }).invoke("x")).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("hang: close() returns promptly and the in-flight call rejects (fetch failed)", async () => {
    const d = await start({ models: { m: { failure: "hang" } } });
    const call = chat(d, "m").invoke("x");
    const outcome = call.catch((e: unknown) => e);
    await vi.waitFor(() => expect(d.calls).toHaveLength(1));
    // The call hangs for good: close() resolving and the call failing can only be close()'s doing.
    await d.close();
    expect(await outcome).toMatchObject({ message: "fetch failed" });
    expect(d.calls[0]).toMatchObject({ outcome: "aborted", status: 0 });
    expect(d.calls[0]?.endedAt).toBeGreaterThanOrEqual(d.calls[0]?.startedAt ?? Infinity);
  });

  it("latencyMs delays the answer and is reflected in the recorded timestamps", async () => {
    const d = await start({ models: { m: { latencyMs: 120 } } });
    await chat(d, "m").invoke("x");
    const c = d.calls[0];
    expect((c?.endedAt ?? 0) - (c?.startedAt ?? 0)).toBeGreaterThanOrEqual(115);
  });

  it("latencyMs is abortable: a client disconnect ends the call as aborted without waiting", async () => {
    const d = await start({ models: { m: { latencyMs: 10_000 } } });
    const ac = new AbortController();
    const req = fetch(`${d.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
      signal: ac.signal,
    }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(d.calls).toHaveLength(1));
    ac.abort();
    await req;
    await vi.waitFor(() => expect(d.calls[0]?.outcome).toBe("aborted"));
    expect((d.calls[0]?.endedAt ?? Infinity) - (d.calls[0]?.startedAt ?? 0)).toBeLessThan(5_000);
  });

  it("tool calls come back as AIMessage.tool_calls when tools are bound", async () => {
    const d = await start({
      models: {
        m: {
          toolCalls: (req) => [
            { name: "get_weather", arguments: { city: "Paris" } },
            { name: "get_weather", arguments: { city: String(req.messages.length) } },
          ],
        },
      },
    });
    const msg = await chat(d, "m").bindTools([weatherTool]).invoke("weather?");
    expect(msg.tool_calls?.map((t) => [t.name, t.args])).toEqual([
      ["get_weather", { city: "Paris" }],
      ["get_weather", { city: "1" }],
    ]);
    expect(d.calls[0]?.hasTools).toBe(true);
    expect(d.calls[0]?.tools).toEqual([weatherTool]);
  });

  it("toolCalls is ignored when the request has no tools", async () => {
    const d = await start({ models: { m: { reply: "plain", toolCalls: () => [{ name: "t", arguments: {} }] } } });
    const msg = await chat(d, "m").invoke("x");
    expect(msg.content).toBe("plain");
    expect(msg.tool_calls).toEqual([]);
    expect(d.calls[0]?.hasTools).toBe(false);
  });

  it("speaks NDJSON on the wire: content lines, then a done line with counts and ns durations", async () => {
    const d = await start({ models: { m: { reply: "abcdefghij", chunkSize: 3 } } });
    const res = await fetch(`${d.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }], stream: true }),
    });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => (l.message as { content: string }).content)).toEqual(["abc", "def", "ghi", "j", ""]);
    expect(lines.slice(0, -1).every((l) => l.done === false)).toBe(true);
    const last = lines.at(-1);
    expect(last).toMatchObject({ model: "m", done: true, done_reason: "stop", message: { role: "assistant", content: "" } });
    for (const k of ["prompt_eval_count", "eval_count", "total_duration", "load_duration", "prompt_eval_duration", "eval_duration"]) {
      expect(typeof last?.[k]).toBe("number");
    }
    expect(Number.isNaN(Date.parse(String(last?.created_at)))).toBe(false);
  });

  it('"stream": false answers one JSON object with the whole reply', async () => {
    const d = await start({ models: { m: { reply: "whole answer" } } });
    const res = await fetch(`${d.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }], stream: false }),
    });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ done: true, done_reason: "stop", message: { role: "assistant", content: "whole answer" } });
    expect(d.calls[0]?.stream).toBe(false);
  });

  it("GET /api/tags lists the configured models in Ollama's shape (used by checkOrPullModel)", async () => {
    const d = await start({ models: { "llama3.2:1b": {}, phi3: {} } });
    const tags = (await (await fetch(`${d.url}/api/tags`)).json()) as { models: Array<Record<string, unknown>> };
    expect(tags.models.map((m) => m.name)).toEqual(["llama3.2:1b", "phi3:latest"]);
    expect(tags.models[0]).toMatchObject({
      model: "llama3.2:1b",
      size: expect.any(Number),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(tags.models[0]?.details).toMatchObject({ format: "gguf", family: "llama" });
    expect((await chat(d, "phi3", { checkOrPullModel: true }).invoke("x")).content).toBe("[phi3] answer to: x");
  });

  it("GET /api/version answers 0.0.0-double", async () => {
    const d = await start({});
    expect(await (await fetch(`${d.url}/api/version`)).json()).toEqual({ version: "0.0.0-double" });
  });

  it("POST /api/show describes known models and 404s unknown ones", async () => {
    const d = await start({ models: { m: { parameterCount: 3_000_000_000, contextLength: 8192 } } });
    const show = (model: string): Promise<Response> => fetch(`${d.url}/api/show`, { method: "POST", body: JSON.stringify({ model }) });
    const known = await show("m");
    expect(known.status).toBe(200);
    expect(await known.json()).toMatchObject({
      modelfile: expect.any(String),
      parameters: expect.any(String),
      template: expect.any(String),
      details: { family: "llama" },
      model_info: { "general.parameter_count": 3_000_000_000, "llama.context_length": 8192 },
    });
    const unknown = await show("zzz");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: expect.stringContaining("zzz") });
  });

  it("callsFor filters by model and setBehavior changes later answers", async () => {
    const d = await start({ models: { a: { reply: "A1" }, b: {} } });
    await chat(d, "a").invoke("1");
    await chat(d, "b").invoke("2");
    d.setBehavior("a", { reply: "A2" });
    expect((await chat(d, "a").invoke("3")).content).toBe("A2");
    expect(d.callsFor("a").map((c) => c.messages[0]?.content)).toEqual(["1", "3"]);
    expect(d.callsFor("b")).toHaveLength(1);
  });
});
