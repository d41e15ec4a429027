import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChatOllama } from "@langchain/ollama";
import { createChatModel } from "../../src/models/createChatModel.js";
import { OLLAMA_FALLBACK_CONTEXT_WINDOW } from "../../src/models/providers/ollama/ollamaProvider.js";
import { readGgufInfo } from "../../src/models/providers/llamacpp/runtime/ggufInfo.js";
import type { ResolvedAgent } from "../../src/config/ResolvedAgent.js";
import { resolveMoA } from "../helpers/resolveMoA.js";
import { clearContextWindowCache, contextWindowOf } from "../../src/models/contextWindowOf.js";
import { readOllamaContextWindow } from "../../src/models/providers/ollama/readOllamaContextWindow.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { sendJson, startLoopbackServer, untilAborted, type LoopbackServer } from "../doubles/loopback.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";

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
    sendJson(res, 200, {
      parameters: 'num_ctx                        6144\nstop "<|im_end|>"',
      model_info: { "general.architecture": "qwen2", "qwen2.context_length": 32_768 },
    }),
  );
  hanging = await startLoopbackServer((_req, _res, signal) => untilAborted(signal));
  let healthy = false;
  const server = await startLoopbackServer(async (_req, res) =>
    healthy
      ? sendJson(res, 200, { model_info: { "general.architecture": "llama", "llama.context_length": 12_288 } })
      : sendJson(res, 500, { error: "boom" }),
  );
  failing = Object.assign(server, { recover: () => void (healthy = true) });
});
afterAll(async () => {
  await Promise.all([ollama.close(), withNumCtx.close(), hanging.close(), failing.close()]);
});
beforeEach(() => clearContextWindowCache());

/** The final aggregator of a one-proposer MoA whose aggregator is `aggregator`. */
function aggregatorOf(aggregator: Record<string, unknown> | string): ResolvedAgent {
  return resolveMoA({ layers: [{ agents: [new ScriptedChatModel()] }], aggregator } as Parameters<typeof resolveMoA>[0]).aggregator;
}

/** The window of an agent's model as the graph would create it. */
function windowOf(agent: ResolvedAgent): Promise<number | undefined> {
  return contextWindowOf(agent, createChatModel(agent));
}

/** A GGUF file's trained context length, or undefined when it cannot be read. */
function readGgufContextLength(file: string): Promise<number | undefined> {
  return readGgufInfo(file).then(
    (info) => info.contextLength,
    () => undefined,
  );
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
    // The server never answers: only the lookup's own timeout can end it.
    expect(await readOllamaContextWindow(hanging.url, "judge:3b", 200)).toBeUndefined();
  });
});

describe("contextWindowOf", () => {
  it("uses the configured contextWindow without asking the server", async () => {
    expect(await windowOf(aggregatorOf({ model: "ollama:judge:3b", baseUrl: hanging.url, contextWindow: 1024 }))).toBe(1024);
  });

  it("reads an Ollama model's window from the server", async () => {
    expect(await windowOf(aggregatorOf({ model: "ollama:judge:3b", baseUrl: ollama.url }))).toBe(32_768);
  });

  it("caches the window per model", async () => {
    const agent = aggregatorOf({ model: "ollama:small:1b", baseUrl: ollama.url });
    expect(await windowOf(agent)).toBe(2048);
    ollama.setBehavior("small:1b", { contextLength: 999_999 });
    expect(await windowOf(agent)).toBe(2048);
  });

  it("falls back to the default when the server fails", async () => {
    const agent = aggregatorOf({ model: "ollama:judge:3b", baseUrl: failing.url });
    expect(await windowOf(agent)).toBe(OLLAMA_FALLBACK_CONTEXT_WINDOW);
  });

  it("asks again after a failed lookup instead of keeping the default", async () => {
    const agent = aggregatorOf({ model: "ollama:judge:3b", baseUrl: failing.url });
    await windowOf(agent);
    failing.recover();
    expect(await windowOf(agent)).toBe(12_288);
  });

  it("does not budget OpenAI-compatible models without a configured window", async () => {
    expect(await windowOf(aggregatorOf({ model: "openai:gpt-4o-mini@http://127.0.0.1:9/v1" }))).toBeUndefined();
  });

  it("does not budget model instances it cannot inspect", async () => {
    expect(await windowOf(aggregatorOf({ model: new ScriptedChatModel() }))).toBeUndefined();
  });

  it("reads a GGUF model's trained context length from its header", async () => {
    expect(await readGgufContextLength(TINY)).toBe(4096);
  });

  it("returns no GGUF context length for a missing file", async () => {
    expect(await readGgufContextLength(path.join(repoRoot, "no-such-model.gguf"))).toBeUndefined();
  });

  it("gives a llama.cpp model the context the runtime creates", async () => {
    expect(await windowOf(aggregatorOf(`llamacpp:${TINY}`))).toBe(4096);
  });

  it("measures the model a custom factory made, not the one the reference names", async () => {
    const agent = aggregatorOf({ model: "ollama:judge:3b", baseUrl: ollama.url });
    // The factory serves the agent from another server, with its own num_ctx.
    const served = new ChatOllama({ model: "judge:3b", baseUrl: hanging.url, numCtx: 3000 });
    expect(await contextWindowOf(agent, served)).toBe(3000);
  });
});
