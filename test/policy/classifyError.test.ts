import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { ModelSetupError } from "../../src/models/createChatModel.js";
import { classifyError } from "../../src/policy/classifyError.js";
import { fetchWithRetryAfter } from "../../src/policy/fetchWithRetryAfter.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { unusedPort } from "../helpers/ports.js";

// Every provider error below is the real thing, caught from the real client, so a client upgrade
// that changes the error's shape fails here rather than silently turning retries off.
let ollama: OllamaDouble;
let rateLimiter: Server;
let rateLimiterUrl: string;

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "broken:1b": { failure: "http500" },
      "limited:1b": { failFirst: 100, failureStatus: 429, retryAfter: "3" },
    },
  });
  // An OpenAI-compatible endpoint that rate-limits every request, as OpenAI does: 429, error JSON, Retry-After.
  rateLimiter = createServer((_req, res) => {
    res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
    res.end(JSON.stringify({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }));
  });
  await new Promise<void>((resolve) => rateLimiter.listen(0, "127.0.0.1", resolve));
  rateLimiterUrl = `http://127.0.0.1:${(rateLimiter.address() as { port: number }).port}/v1`;
});
afterAll(async () => {
  await ollama.close();
  await new Promise((resolve) => rateLimiter.close(resolve));
});

const ask = [{ role: "user", content: "hi" }];
const caught = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => expect.unreachable("the call should fail"),
    (error: unknown) => error,
  );
const ollamaModel = (model: string, fetch?: typeof globalThis.fetch) =>
  new ChatOllama({ model, baseUrl: ollama.url, maxRetries: 0, ...(fetch ? { fetch } : {}) });

describe("classifyError", () => {
  it("does not retry ChatOllama's 404 (model not pulled), which carries status_code", async () => {
    const error = await caught(ollamaModel("missing:7b").invoke(ask));
    expect(error).toMatchObject({ status_code: 404 });
    expect(classifyError(error)).toEqual({ retry: false, reason: "HTTP 404" });
  });

  it("retries ChatOllama's 500", async () => {
    const error = await caught(ollamaModel("broken:1b").invoke(ask));
    expect(classifyError(error)).toEqual({ retry: true, reason: "HTTP 500" });
  });

  it("retries ChatOllama's 429 after its Retry-After when the fetch keeps the headers", async () => {
    const error = await caught(ollamaModel("limited:1b", fetchWithRetryAfter(fetch)).invoke(ask));
    expect(classifyError(error)).toEqual({ retry: true, reason: "HTTP 429", retryAfterMs: 3000 });
  });

  it("retries OpenAI's 429 after the Retry-After seconds in its headers", async () => {
    const model = new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "sk-test", configuration: { baseURL: rateLimiterUrl }, maxRetries: 0 });
    const error = await caught(model.invoke(ask));
    expect(error).toMatchObject({ status: 429 });
    expect(classifyError(error)).toEqual({ retry: true, reason: "HTTP 429", retryAfterMs: 7000 });
  });

  it("reads a Retry-After given as an HTTP-date", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    const error = Object.assign(new Error("429 Rate limit"), { status: 429, headers: { "Retry-After": "Wed, 01 Jan 2025 00:00:05 GMT" } });
    expect(classifyError(error, now)).toEqual({ retry: true, reason: "HTTP 429", retryAfterMs: 5000 });
  });

  it("retries a 429 without Retry-After on our own backoff", () => {
    const error = Object.assign(new Error("busy"), { status: 429, headers: { "retry-after": "soon" } });
    expect(classifyError(error)).toEqual({ retry: true, reason: "HTTP 429" });
  });

  it("retries fetch's TypeError for a refused connection (ECONNREFUSED in its cause)", async () => {
    const error = await caught(fetch(`http://127.0.0.1:${await unusedPort()}/api/chat`));
    expect(error).toBeInstanceOf(TypeError);
    expect(classifyError(error)).toEqual({ retry: true, reason: "ECONNREFUSED" });
  });

  it("does not retry an unknown host (ENOTFOUND)", () => {
    const error = new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND nohost"), { code: "ENOTFOUND" }) });
    expect(classifyError(error)).toEqual({ retry: false, reason: "ENOTFOUND" });
  });

  it("does not retry an abort", () => {
    expect(classifyError(new DOMException("This operation was aborted", "AbortError"))).toEqual({ retry: false, reason: "AbortError" });
  });

  it("does not retry a timeout: the per-call timeout bounds every attempt together", () => {
    expect(classifyError(new DOMException("timed out after 300 ms", "TimeoutError"))).toEqual({ retry: false, reason: "TimeoutError" });
  });

  it("does not retry a model that could not be set up", () => {
    expect(classifyError(new ModelSetupError("no API key"))).toEqual({ retry: false, reason: "model_setup_failed" });
  });

  it("does not retry a configuration error", () => {
    expect(classifyError(new ConfigError([{ path: "defaults.baseUrl", message: "bad" }]))).toEqual({
      retry: false,
      reason: "invalid_config",
    });
  });

  it("does not retry an error it does not recognise", () => {
    expect(classifyError(new Error("Unexpected token < in JSON")).retry).toBe(false);
  });
});
