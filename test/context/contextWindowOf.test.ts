import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureConfig } from "../../src/config/ensureConfig.js";
import { clearContextWindowCache, contextWindowOf, DEFAULT_CONTEXT_WINDOW, readGgufContextLength } from "../../src/context/contextWindowOf.js";
import { readOllamaContextWindow } from "../../src/context/readOllamaContextWindow.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { sendJson, startLoopbackServer, untilAborted, type LoopbackServer } from "../doubles/loopback.js";
import { ScriptedChatModel } from "../helpers/ScriptedChatModel.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const TINY = path.resolve(repoRoot, "../shared/models/llama-2-tiny-random.gguf");

let ollama: OllamaDouble;
let withNumCtx: LoopbackServer;
let hanging: LoopbackServer;
let failing: LoopbackServer & { recover(): void };

beforeAll(async () => {
  ollama = await startOllamaDouble({ models: { "judge:3b": { contextLength: 32_768 }, "small:1b": { contextLength: 2048 } } });
  // The double's Modelfile sets no num_ctx; this server answers /api/show as a model that does.
  withNumCtx = await startLoopbackServer(async (_req, res) =>
    sendJson(res, 200, { parameters: 'num_ctx                        6144\nstop "<|im_end|>"', model_info: { "general.architecture": "qwen2", "qwen2.context_length": 32_768 } }),
  );
  hanging = await startLoopbackServer((_req, _res, signal) => untilAborted(signal));
  let healthy = false;
  const server = await startLoopbackServer(async (_req, res) =>
    healthy ? sendJson(res, 200, { model_info: { "general.architecture": "llama", "llama.context_length": 12_288 } }) : sendJson(res, 500, { error: "boom" }),
  );
  failing = Object.assign(server, { recover: () => void (healthy = true) });
});
afterAll(async () => {
  await Promise.all([ollama.close(), withNumCtx.close(), hanging.close(), failing.close()]);
});
beforeEach(() => clearContextWindowCache());

/** The final aggregator of a one-proposer MoA whose aggregator is `aggregator`. */
function aggregatorOf(aggregator: Record<string, unknown> | string) {
  return ensureConfig({ layers: [{ agents: [new ScriptedChatModel()] }], aggregator } as Parameters<typeof ensureConfig>[0]).aggregator;
}

describe("readOllamaContextWindow", () => {
  it("reads <architecture>.context_length from /api/show", async () => {
    expect(await readOllamaContextWindow(ollama.url, "small:1b")).toBe(2048);
  });

  it("prefers the Modelfile's num_ctx, the context Ollama allocates", async () => {
    expect(await readOllamaContextWindow(withNumCtx.url, "any")).toBe(6144);
  });

  it("returns undefined for a model the server does not know", async () => {
    expect(await readOllamaContextWindow(ollama.url, "missing:1b")).toBeUndefined();
  });

  it("gives up on a server that does not answer, after its timeout", async () => {
    const started = performance.now();
    expect(await readOllamaContextWindow(hanging.url, "judge:3b", 200)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("contextWindowOf", () => {
  it("uses the configured contextWindow without asking the server", async () => {
    expect(await contextWindowOf(aggregatorOf({ model: "ollama:judge:3b", baseUrl: hanging.url, contextWindow: 1024 }))).toBe(1024);
  });

  it("reads an Ollama model's window from the server", async () => {
    expect(await contextWindowOf(aggregatorOf({ model: "ollama:judge:3b", baseUrl: ollama.url }))).toBe(32_768);
  });

  it("caches the window per model", async () => {
    const agent = aggregatorOf({ model: "ollama:small:1b", baseUrl: ollama.url });
    expect(await contextWindowOf(agent)).toBe(2048);
    ollama.setBehavior("small:1b", { contextLength: 999_999 });
    expect(await contextWindowOf(agent)).toBe(2048);
  });

  it("falls back to the default when the server fails", async () => {
    const agent = aggregatorOf({ model: "ollama:judge:3b", baseUrl: failing.url });
    expect(await contextWindowOf(agent)).toBe(DEFAULT_CONTEXT_WINDOW);
  });

  it("asks again after a failed lookup instead of keeping the default", async () => {
    const agent = aggregatorOf({ model: "ollama:judge:3b", baseUrl: failing.url });
    await contextWindowOf(agent);
    failing.recover();
    expect(await contextWindowOf(agent)).toBe(12_288);
  });

  it("does not budget OpenAI-compatible models without a configured window", async () => {
    expect(await contextWindowOf(aggregatorOf({ model: "openai:gpt-4o-mini@http://127.0.0.1:9/v1" }))).toBeUndefined();
  });

  it("does not budget model instances it cannot inspect", async () => {
    expect(await contextWindowOf(aggregatorOf({ model: new ScriptedChatModel() }))).toBeUndefined();
  });

  it("reads a GGUF model's trained context length from its header", async () => {
    expect(await readGgufContextLength(TINY)).toBe(4096);
  });

  it("returns no GGUF context length for a missing file", async () => {
    expect(await readGgufContextLength(path.join(repoRoot, "no-such-model.gguf"))).toBeUndefined();
  });

  it("gives a llama.cpp model the context the runtime creates", async () => {
    expect(await contextWindowOf(aggregatorOf(`llamacpp:${TINY}`))).toBe(4096);
  });
});
