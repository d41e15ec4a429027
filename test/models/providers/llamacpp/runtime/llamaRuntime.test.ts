import { copyFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HumanMessage } from "@langchain/core/messages";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ChatLlamaCppLocal,
  checkLlamaMemory,
  configureLlamaRuntime,
  disposeAll,
  estimateLlamaMemory,
  LlamaMemoryError,
  llamaRuntimeStats,
  loadedModelPaths,
  withLlamaModel,
} from "../../../../../src/models/providers/llamacpp/runtime/index.js";

// Random-weight model: output is gibberish, so every assertion is about mechanics, never content.
const repoRoot = fileURLToPath(new URL("../../../../..", import.meta.url));
const MODEL_A = path.resolve(repoRoot, "../shared/models/llama-2-tiny-random.gguf");
const SLOW = 60_000;
// Small contexts keep each load light and quick.
const LAYOUT = { contextSize: 256, sequences: 2 } as const;

let tmpDir: string;
let MODEL_B: string;

beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(os.tmpdir(), "llamacpp-runtime-"));
  // A second path to the same bytes is a second model as far as the runtime is concerned.
  MODEL_B = path.join(tmpDir, "model-b.gguf");
  await copyFile(MODEL_A, MODEL_B);
}, SLOW);

afterEach(async () => {
  delete process.env.MOA_LLAMACPP_MEMORY_LIMIT;
  delete process.env.MOA_LLAMACPP_MAX_MODELS;
  configureLlamaRuntime();
  await disposeAll();
}, SLOW);

afterAll(async () => {
  await rm(tmpDir, { recursive: true, force: true });
}, SLOW);

function chat(modelPath: string, overrides: Partial<ConstructorParameters<typeof ChatLlamaCppLocal>[0]> = {}): ChatLlamaCppLocal {
  return new ChatLlamaCppLocal({ modelPath, maxTokens: 16, ...LAYOUT, ...overrides });
}

/** Resolves at the call's first generated token; the call itself goes on. */
function startCall(model: ChatLlamaCppLocal, prompt: string, signal?: AbortSignal) {
  let firstToken!: () => void;
  const started = new Promise<void>((resolve) => (firstToken = resolve));
  let endedAt = Number.NaN;
  const done = model
    .invoke(prompt, { ...(signal ? { signal } : {}), callbacks: [{ handleLLMNewToken: () => firstToken() }] })
    .finally(() => (endedAt = performance.now()));
  return { started, done, endedAt: () => endedAt };
}

/**
 * Keeps `modelPath` in use through the runtime itself until `finishA()`, so a test controls exactly
 * how long it stays busy, whatever the machine's speed. Resolves once the model is loaded and held.
 */
async function holdModel(modelPath: string, onFinish: () => void = () => undefined) {
  let finishA!: () => void;
  let held!: () => void;
  const busy = new Promise<void>((resolve) => (finishA = resolve));
  const holding = new Promise<void>((resolve) => (held = resolve));
  const a = withLlamaModel({
    modelPath,
    ...LAYOUT,
    fn: async () => {
      held();
      await busy;
      onFinish();
    },
  });
  await holding;
  return { a, finishA };
}

const eventually = (assertion: () => void) => vi.waitFor(assertion, { timeout: 20_000, interval: 10 });

describe("llama.cpp runtime: concurrency", () => {
  it(
    "completes 6 concurrent invokes over 2 models, all with token counts",
    async () => {
      const models = [chat(MODEL_A), chat(MODEL_B, { temperature: 0.7, seed: 3 })];
      const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => models[i % 2]!.invoke([new HumanMessage(`Call ${i}.`)])));

      for (const reply of replies) {
        expect(reply.usage_metadata?.input_tokens).toBeGreaterThan(0);
        expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
      }
      expect(new Set(loadedModelPaths())).toEqual(new Set([MODEL_A, MODEL_B]));
      expect(llamaRuntimeStats().models.every((model) => model.activeCalls === 0)).toBe(true);
    },
    SLOW,
  );

  it(
    "aborting after the first streamed token rejects promptly and the sequence is reusable",
    async () => {
      // One sequence: if the aborted call kept it, the next call would wait forever.
      const model = chat(MODEL_A, { maxTokens: 4000, sequences: 1 });
      const controller = new AbortController();
      const consume = async (): Promise<void> => {
        for await (const _chunk of await model.stream("Write forever.", { signal: controller.signal })) {
          if (!controller.signal.aborted) controller.abort();
        }
      };

      await expect(consume()).rejects.toThrow(/abort/i);
      // LangChain rejects the consumer as soon as the signal aborts; the generation winds down just after.
      await eventually(() => expect(llamaRuntimeStats().models[0]?.activeCalls).toBe(0));

      const again = await chat(MODEL_A, { maxTokens: 4, sequences: 1 }).invoke("Again.");
      expect(again.usage_metadata?.output_tokens).toBeGreaterThan(0);
    },
    SLOW,
  );
});

describe("llama.cpp runtime: bounded models", () => {
  it(
    "with maxLoadedModels = 1, loading B unloads A and calling A again reloads it",
    async () => {
      configureLlamaRuntime({ maxLoadedModels: 1 });

      await chat(MODEL_A).invoke("First.");
      expect(loadedModelPaths()).toEqual([MODEL_A]);
      await chat(MODEL_B).invoke("Second.");
      expect(loadedModelPaths()).toEqual([MODEL_B]);
      expect(llamaRuntimeStats().unloads).toBe(1);

      const reply = await chat(MODEL_A).invoke("Third.");
      expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(loadedModelPaths()).toEqual([MODEL_A]);
      expect(llamaRuntimeStats().unloads).toBe(2);
    },
    SLOW,
  );

  it(
    "lists models least recently used first, with their use",
    async () => {
      await chat(MODEL_A).invoke("One.");
      await chat(MODEL_B).invoke("Two.");
      await chat(MODEL_A).countTokens("Three.");

      const { models, unloads } = llamaRuntimeStats();
      expect(models.map((model) => model.modelPath)).toEqual([MODEL_B, MODEL_A]);
      expect(models[0]!.lastUsed).toBeLessThanOrEqual(models[1]!.lastUsed);
      expect(models.every((model) => model.state === "loaded" && model.activeCalls === 0 && model.estimatedBytes > 0)).toBe(true);
      expect(unloads).toBe(0);
    },
    SLOW,
  );

  it(
    "a call on B waits while A is busy and completes after A finishes",
    async () => {
      configureLlamaRuntime({ maxLoadedModels: 1 });
      // Holding A through the runtime itself keeps it busy for exactly as long as the test wants,
      // whatever the machine's speed.
      let aEndedAt = Number.NaN;
      const { a, finishA } = await holdModel(MODEL_A, () => (aEndedAt = performance.now()));

      const b = startCall(chat(MODEL_B), "Short.");
      await eventually(() => expect(llamaRuntimeStats().waiting).toBe(1));
      expect(loadedModelPaths()).toEqual([MODEL_A]);
      finishA();

      const replyB = await b.done;
      await a;
      expect(replyB.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(b.endedAt()).toBeGreaterThan(aEndedAt);
      expect(loadedModelPaths()).toEqual([MODEL_B]);
      expect(llamaRuntimeStats()).toMatchObject({ unloads: 1, waiting: 0 });
    },
    SLOW,
  );

  it(
    "a call on B started during a generation on A ends after it",
    async () => {
      configureLlamaRuntime({ maxLoadedModels: 1 });
      const a = startCall(chat(MODEL_A, { maxTokens: 64 }), "Write a lot.");
      await a.started;
      const b = startCall(chat(MODEL_B), "Short.");

      const [replyA, replyB] = await Promise.all([a.done, b.done]);
      expect(replyA.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(replyB.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(b.endedAt()).toBeGreaterThan(a.endedAt());
      expect(loadedModelPaths()).toEqual([MODEL_B]);
    },
    SLOW,
  );

  it(
    "6 concurrent calls over 2 models under a cap of 1 all complete (no deadlock)",
    async () => {
      configureLlamaRuntime({ maxLoadedModels: 1 });
      const models = [chat(MODEL_A), chat(MODEL_B)];
      const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => models[i % 2]!.invoke(`Call ${i}.`)));

      for (const reply of replies) expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
      expect(loadedModelPaths()).toHaveLength(1);
      expect(llamaRuntimeStats().unloads).toBeGreaterThanOrEqual(1);
    },
    SLOW,
  );

  it(
    "aborting a call that waits for room rejects it at once and leaves A loaded",
    async () => {
      configureLlamaRuntime({ maxLoadedModels: 1 });
      const { a, finishA } = await holdModel(MODEL_A);
      const controller = new AbortController();
      const b = chat(MODEL_B).invoke("Short.", { signal: controller.signal });
      await eventually(() => expect(llamaRuntimeStats().waiting).toBe(1));

      controller.abort();
      await expect(b).rejects.toMatchObject({ name: "ModelAbortError" });
      expect(llamaRuntimeStats().waiting).toBe(0);
      finishA();
      await a;
      expect(loadedModelPaths()).toEqual([MODEL_A]);
      expect(llamaRuntimeStats().unloads).toBe(0);
    },
    SLOW,
  );
});

describe("llama.cpp runtime: memory guard", () => {
  it(
    "refuses a model over the memory limit before loading it, saying what it needs and how to fix it",
    async () => {
      configureLlamaRuntime({ memoryLimitBytes: 1024 * 1024 });

      const error = await chat(MODEL_B)
        .invoke("Hi.")
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LlamaMemoryError);
      const memoryError = error as LlamaMemoryError;
      expect(memoryError.modelPath).toBe(MODEL_B);
      expect(memoryError.neededBytes).toBeGreaterThan(1024 * 1024);
      expect(memoryError.availableBytes).toBe(1024 * 1024);
      expect(memoryError.message).toMatch(
        new RegExp(
          `^not enough memory to load GGUF model ${escape(MODEL_B)}: it needs about [\\d.]+ [KMG]?B ` +
            `\\(weights [\\d.]+ [KMG]?B \\+ context [\\d.]+ [KMG]?B for 2 x 256 tokens\\) ` +
            `but only 1\\.0 MB is available \\(memory limit 1\\.0 MB set by configureLlamaRuntime\\)\\. ` +
            `Use a smaller or more quantised model \\(e\\.g\\. a Q4_K_M GGUF\\),.* load fewer models at once \\(MOA_LLAMACPP_MAX_MODELS\\), ` +
            `or raise MOA_LLAMACPP_MEMORY_LIMIT if more memory really is available\\.$`,
        ),
      );
      expect(loadedModelPaths()).toEqual([]);
      expect(llamaRuntimeStats().unloads).toBe(0);
    },
    SLOW,
  );

  it(
    "names MOA_LLAMACPP_MEMORY_LIMIT when the limit comes from it",
    async () => {
      process.env.MOA_LLAMACPP_MEMORY_LIMIT = "2MB";
      const error = await chat(MODEL_A)
        .invoke("Hi.")
        .catch((e: unknown) => e);
      expect((error as Error).message).toContain("but only 2.0 MB is available (MOA_LLAMACPP_MEMORY_LIMIT=2MB)");
      expect(loadedModelPaths()).toEqual([]);
    },
    SLOW,
  );

  it(
    "counts memory an idle model would free: B loads in A's place when both do not fit",
    async () => {
      const { totalBytes } = await estimateLlamaMemory({ modelPath: MODEL_A, ...LAYOUT });
      configureLlamaRuntime({ memoryLimitBytes: Math.ceil(totalBytes * 1.5) });

      await chat(MODEL_A).invoke("One.");
      await chat(MODEL_B).invoke("Two.");

      expect(loadedModelPaths()).toEqual([MODEL_B]);
      expect(llamaRuntimeStats().unloads).toBe(1);
    },
    SLOW,
  );

  it(
    "checkLlamaMemory sums the largest maxLoadedModels distinct models",
    async () => {
      const one = await estimateLlamaMemory({ modelPath: MODEL_A, ...LAYOUT });
      const models = [
        { modelPath: MODEL_A, ...LAYOUT },
        // The same file again (another agent) is loaded once: it adds nothing.
        { modelPath: path.relative(process.cwd(), MODEL_A), ...LAYOUT },
        { modelPath: MODEL_B, ...LAYOUT },
      ];

      const both = await checkLlamaMemory({ models, maxLoadedModels: 2, availableBytes: 10 * one.totalBytes });
      expect(both).toMatchObject({ ok: true, neededBytes: 2 * one.totalBytes, availableBytes: 10 * one.totalBytes, maxLoadedModels: 2 });
      expect(both.perModel).toEqual([
        { modelPath: MODEL_A, bytes: one.totalBytes },
        { modelPath: MODEL_B, bytes: one.totalBytes },
      ]);
      expect(both.message).toBeUndefined();

      const capped = await checkLlamaMemory({ models, maxLoadedModels: 1, availableBytes: one.totalBytes });
      expect(capped).toMatchObject({ ok: true, neededBytes: one.totalBytes });

      const short = await checkLlamaMemory({ models, maxLoadedModels: 2, availableBytes: one.totalBytes });
      expect(short.ok).toBe(false);
      expect(short.message).toMatch(
        /^not enough memory for the in-process models: 2 GGUF models loaded at once need about .* \(llama-2-tiny-random\.gguf .*, model-b\.gguf .*\) but only .* is available \(as given\)\. Use a smaller/,
      );
      expect(loadedModelPaths()).toEqual([]);
    },
    SLOW,
  );

  it(
    "checkLlamaMemory adds a context per distinct layout of one file",
    async () => {
      const small = await estimateLlamaMemory({ modelPath: MODEL_A, contextSize: 256, sequences: 1 });
      const large = await estimateLlamaMemory({ modelPath: MODEL_A, contextSize: 512, sequences: 2 });
      const check = await checkLlamaMemory({
        models: [
          { modelPath: MODEL_A, contextSize: 256, sequences: 1 },
          { modelPath: MODEL_A, contextSize: 512, sequences: 2 },
        ],
        availableBytes: Number.MAX_SAFE_INTEGER,
      });
      expect(check.perModel).toEqual([{ modelPath: MODEL_A, bytes: small.modelBytes + small.contextBytes + large.contextBytes }]);
      expect(large.contextBytes).toBeGreaterThan(small.contextBytes);
    },
    SLOW,
  );
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
