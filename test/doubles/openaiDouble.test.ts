import { afterEach, describe, expect, it, vi } from "vitest";
import { ChatOpenAI, type ChatOpenAIFields } from "@langchain/openai";
import { type AIMessageChunk } from "@langchain/core/messages";
import { concat } from "@langchain/core/utils/stream";
import { startOpenAIDouble, type OpenAIDouble, type OpenAIDoubleOptions } from "./openaiDouble.js";

const open: OpenAIDouble[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function start(options: OpenAIDoubleOptions): Promise<OpenAIDouble> {
  const d = await startOpenAIDouble(options);
  open.push(d);
  return d;
}

function chat(d: OpenAIDouble, model: string, extra: Partial<ChatOpenAIFields> = {}): ChatOpenAI {
  return new ChatOpenAI({ model, apiKey: "test", configuration: { baseURL: `${d.url}/v1` }, maxRetries: 0, ...extra });
}

describe("OpenAI double with the real ChatOpenAI", () => {
  it("invoke (non-streaming request) returns the reply and usage_metadata from usage", async () => {
    const d = await start({ models: { m: { reply: "Hello there.", promptTokens: 11, completionTokens: 3 } } });
    const msg = await chat(d, "m").invoke("hi");
    expect(msg.content).toBe("Hello there.");
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 3, total_tokens: 14 });
    expect(msg.response_metadata).toMatchObject({ finish_reason: "stop", model_name: "m" });
    expect(d.calls[0]).toMatchObject({ stream: false, stream_options: undefined, outcome: "ok" });
  });

  it("default reply echoes the model and the last user message", async () => {
    const d = await start({ models: { "gpt-4o-mini": {} } });
    expect((await chat(d, "gpt-4o-mini").invoke("What is 2+2?")).content).toBe("[gpt-4o-mini] answer to: What is 2+2?");
  });

  it("stream() sends stream_options.include_usage and yields several chunks plus a usage chunk", async () => {
    const d = await start({ models: { m: { reply: "one two three four five", chunkSize: 4 } } });
    const chunks: AIMessageChunk[] = [];
    for await (const c of await chat(d, "m").stream("go")) chunks.push(c);
    expect(chunks.filter((c) => c.content !== "").length).toBeGreaterThanOrEqual(5);
    const full = chunks.reduce((a, b) => concat(a, b));
    expect(full.content).toBe("one two three four five");
    expect(full.usage_metadata).toMatchObject({ input_tokens: 1, output_tokens: 5, total_tokens: 6 });
    expect(d.calls[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("sampling parameters, seed and the bearer token arrive at the double", async () => {
    const d = await start({ models: { m: {} } });
    await chat(d, "m", { temperature: 0.2, topP: 0.5, maxTokens: 33 }).invoke("x", { seed: 7 });
    expect(d.calls[0]).toMatchObject({ temperature: 0.2, top_p: 0.5, max_tokens: 33, seed: 7, authorization: "Bearer test" });
    expect(d.calls[0]?.max_completion_tokens).toBeUndefined();
  });

  it("reasoning-model names (o*, gpt-5*) make ChatOpenAI send max_completion_tokens instead", async () => {
    const d = await start({ models: { "o3-mini": {} } });
    await chat(d, "o3-mini", { maxTokens: 50 }).invoke("x");
    expect(d.calls[0]).toMatchObject({ max_completion_tokens: 50, max_tokens: undefined });
  });

  it("records messages with roles", async () => {
    const d = await start({ models: { m: { reply: (req) => req.messages.map((m) => m.role).join(",") } } });
    const msg = await chat(d, "m").invoke([
      ["system", "be brief"],
      ["human", "hello"],
    ]);
    expect(msg.content).toBe("system,user");
    expect(d.callsFor("m")[0]?.messages.map((m) => [m.role, m.content])).toEqual([
      ["system", "be brief"],
      ["user", "hello"],
    ]);
  });

  it("unknown model rejects with status 404 and code model_not_found", async () => {
    const d = await start({ models: { m: {} } });
    const err: unknown = await chat(d, "nope")
      .invoke("x")
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, code: "model_not_found", lc_error_code: "MODEL_NOT_FOUND" });
    expect((err as Error).message).toContain("The model `nope` does not exist");
    expect(d.calls[0]).toMatchObject({ model: "nope", status: 404, outcome: "notFound" });
  });

  it("acceptAnyModel answers unknown models with the echo", async () => {
    const d = await start({ acceptAnyModel: true });
    expect((await chat(d, "anything").invoke("ping")).content).toBe("[anything] answer to: ping");
  });

  it("http500 rejects with status 500", async () => {
    const d = await start({ models: { m: { failure: "http500" } } });
    await expect(chat(d, "m").invoke("x")).rejects.toMatchObject({ status: 500, error: { type: "server_error" } });
    expect(d.calls).toHaveLength(1); // maxRetries: 0 means exactly one HTTP attempt
  });

  it("http401 rejects with status 401 and code invalid_api_key", async () => {
    const d = await start({ models: { m: { failure: "http401" } } });
    await expect(chat(d, "m").invoke("x")).rejects.toMatchObject({
      status: 401,
      code: "invalid_api_key",
      lc_error_code: "MODEL_AUTHENTICATION",
    });
  });

  it("requireApiKey rejects a different bearer token with 401", async () => {
    const d = await start({ requireApiKey: "sk-right", models: { m: {} } });
    await expect(chat(d, "m", { apiKey: "sk-wrong" }).invoke("x")).rejects.toMatchObject({ status: 401 });
    expect(d.calls[0]?.authorization).toBe("Bearer sk-wrong");
  });

  it("requireApiKey accepts the matching bearer token", async () => {
    const d = await start({ requireApiKey: "sk-right", models: { m: { reply: "ok" } } });
    expect((await chat(d, "m", { apiKey: "sk-right" }).invoke("x")).content).toBe("ok");
  });

  it("hang: an AbortSignal makes ChatOpenAI reject promptly with AbortError", async () => {
    const d = await start({ models: { m: { failure: "hang" } } });
    await expect(chat(d, "m").invoke("x", { signal: AbortSignal.timeout(150) })).rejects.toMatchObject({ name: "AbortError" });
    await vi.waitFor(() => expect(d.calls[0]?.outcome).toBe("aborted"));
  });

  it("hang: the client's own timeout option rejects with TimeoutError", async () => {
    const d = await start({ models: { m: { failure: "hang" } } });
    await expect(chat(d, "m", { timeout: 150 }).invoke("x")).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("hang: close() returns promptly and the in-flight call rejects", async () => {
    const d = await start({ models: { m: { failure: "hang" } } });
    const outcome = chat(d, "m")
      .invoke("x")
      .then(
        () => "resolved",
        () => "rejected",
      );
    await vi.waitFor(() => expect(d.calls).toHaveLength(1));
    // The call hangs for good: close() resolving and the call failing can only be close()'s doing.
    await d.close();
    expect(await outcome).toBe("rejected");
  });

  it("latencyMs delays the answer", async () => {
    const d = await start({ models: { m: { latencyMs: 120 } } });
    const t0 = performance.now();
    await chat(d, "m").invoke("x");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    expect((d.calls[0]?.endedAt ?? 0) - (d.calls[0]?.startedAt ?? 0)).toBeGreaterThanOrEqual(115);
  });

  it("speaks SSE on the wire: role chunk, content deltas, stop chunk, usage chunk, [DONE]", async () => {
    const d = await start({ models: { m: { reply: "abcdef", chunkSize: 3 } } });
    const res = await fetch(`${d.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "m",
        messages: [{ role: "user", content: "x" }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split("\n\n").filter((e) => e !== "");
    expect(events.every((e) => e.startsWith("data: "))).toBe(true);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)) as Record<string, unknown>);
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    const choices = chunks.map((c) => (c.choices as Array<{ delta: { content?: string }; finish_reason: string | null }>)[0]);
    expect(choices.map((c) => c?.delta.content)).toEqual(["", "abc", "def", undefined, undefined]);
    expect(choices[3]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
  });

  it("GET /v1/models lists the configured models", async () => {
    const d = await start({ models: { a: {}, b: {} } });
    const body = (await (await fetch(`${d.url}/v1/models`)).json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(body.object).toBe("list");
    expect(body.data.map((m) => [m.id, m.object])).toEqual([
      ["a", "model"],
      ["b", "model"],
    ]);
  });

  it("callsFor filters by model and setBehavior changes later answers", async () => {
    const d = await start({ models: { a: { reply: "A1" }, b: {} } });
    await chat(d, "a").invoke("1");
    await chat(d, "b").invoke("2");
    d.setBehavior("a", { reply: "A2" });
    expect((await chat(d, "a").invoke("3")).content).toBe("A2");
    expect(d.callsFor("a").map((c) => c.messages[0]?.content)).toEqual(["1", "3"]);
  });
});
