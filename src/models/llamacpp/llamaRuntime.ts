import os from "node:os";
import path from "node:path";
import type { ChatWrapper, Llama, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { loadNodeLlamaCpp } from "./loadNodeLlamaCpp.js";
import { SequencePool } from "./sequencePool.js";

/** Sequences per context when the caller does not say: enough for one MoA layer of proposers. */
export const DEFAULT_SEQUENCES = 4;

/**
 * Upper bound on the per-sequence context size when the caller does not give one. node-llama-cpp's
 * `"auto"` would size each sequence up to the model's training context (128k for recent models),
 * times the number of sequences, which can take all the RAM of a small machine.
 */
export const DEFAULT_MAX_CONTEXT_SIZE = 4096;

/** How a model's context is laid out; calls with different layouts get different contexts. */
export interface ModelContextOptions {
  /** Tokens per sequence. Exact when given; otherwise as large as memory allows, capped at {@link DEFAULT_MAX_CONTEXT_SIZE}. */
  contextSize?: number;
  /** Parallel sequences (concurrent calls) in the context. Default {@link DEFAULT_SEQUENCES}. */
  sequences?: number;
  /** CPU threads for evaluation. Default: the machine's available parallelism. */
  threads?: number;
}

/** A loaded model plus a pool of its context sequences; returned by {@link acquireModel}. */
export interface ModelHandle {
  /** Absolute path of the GGUF file. */
  readonly modelPath: string;
  readonly model: LlamaModel;
  /** Chat template wrapper resolved once from the model's metadata and shared by all calls. */
  readonly chatWrapper: ChatWrapper;
  /** Actual tokens per sequence (llama.cpp may round the requested size up). */
  readonly contextSize: number;
  readonly sequences: number;
  /**
   * Runs `fn` on a free sequence, queueing while all are busy. The sequence's state is cleared
   * before it goes back to the pool (in the background, after this call has returned), so every
   * call starts from an empty KV cache. If `signal` aborts while the caller is still queued, the
   * call rejects without running `fn`.
   */
  withSequence<R>(fn: (sequence: LlamaContextSequence) => Promise<R>, signal?: AbortSignal): Promise<R>;
}

interface ContextEntry {
  context: LlamaContext;
  pool: SequencePool<LlamaContextSequence>;
}

interface LoadedModel {
  model: LlamaModel;
  chatWrapper: ChatWrapper;
}

interface ModelEntry {
  loaded: Promise<LoadedModel>;
  /** One context per distinct layout, keyed by {@link layoutKey}. */
  handles: Map<string, Promise<ModelHandle>>;
  contexts: ContextEntry[];
}

// The whole registry lives here so that later LRU unloading and memory guards have one place to
// look at. Keyed by absolute model path.
const registry = new Map<string, ModelEntry>();
let llamaPromise: Promise<Llama> | undefined;

/**
 * The machine's usable core count: the default thread budget.
 *
 * @example
 * new ChatLlamaCppLocal({ modelPath, threads: Math.max(1, defaultThreads() - 1) });
 */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * The process-wide `Llama` instance (CPU only, prebuilt binaries only, quiet logs), created on
 * first use. node-llama-cpp allows several, but each one owns its own thread budget, so one shared
 * instance keeps concurrent models from oversubscribing the CPU.
 *
 * @example
 * const llama = await getLlamaRuntime();
 */
export function getLlamaRuntime(): Promise<Llama> {
  llamaPromise ??= loadNodeLlamaCpp()
    .then(({ getLlama, LlamaLogLevel }) =>
      getLlama({
        gpu: gpuSetting(),
        // Never compile llama.cpp at runtime: that needs cmake and network and takes minutes.
        build: "never",
        logLevel: LlamaLogLevel.error,
        // The library default is max(cores, 4), which oversubscribes a 2-core machine.
        maxThreads: defaultThreads(),
      }),
    )
    .catch((error: unknown) => {
      llamaPromise = undefined;
      throw error;
    });
  return llamaPromise;
}

/**
 * Loads a GGUF model (once per absolute path; concurrent callers share one load) and returns a
 * handle with a pool of context sequences for the requested layout.
 *
 * @example
 * const handle = await acquireModel("models/qwen2.5-0.5b.gguf", { sequences: 4 });
 * const text = await handle.withSequence(async (sequence) => runSomething(sequence));
 */
export function acquireModel(modelPath: string, options: ModelContextOptions = {}): Promise<ModelHandle> {
  const sequences = options.sequences ?? DEFAULT_SEQUENCES;
  if (!Number.isInteger(sequences) || sequences < 1) {
    return Promise.reject(new Error(`sequences must be a positive integer, got ${sequences}`));
  }
  const absolutePath = path.resolve(modelPath);
  const entry = getOrLoadModel(absolutePath);
  const key = layoutKey(options);
  let handle = entry.handles.get(key);
  if (!handle) {
    handle = createHandle(absolutePath, entry, options);
    entry.handles.set(key, handle);
    // A failed context creation must not poison later attempts with the same layout.
    handle.catch(() => {
      if (entry.handles.get(key) === handle) entry.handles.delete(key);
    });
  }
  return handle;
}

/**
 * Absolute paths of the models currently loaded or loading.
 *
 * @example
 * console.log(`llama.cpp models in memory: ${loadedModelPaths().join(", ")}`);
 */
export function loadedModelPaths(): string[] {
  return [...registry.keys()];
}

/**
 * Disposes every context, model and the `Llama` instance. Queued callers are rejected and running
 * generations fail with node-llama-cpp's `DisposedError` ("Object is disposed"). Call it at CLI
 * exit and in test teardown; later calls load everything again.
 *
 * @example
 * afterAll(() => disposeAll());
 */
export async function disposeAll(): Promise<void> {
  const entries = [...registry.values()];
  registry.clear();
  const llama = llamaPromise;
  llamaPromise = undefined;

  for (const entry of entries) {
    // Wait for in-flight context creations so nothing is created after we dispose.
    await Promise.allSettled(entry.handles.values());
    for (const { context, pool } of entry.contexts) {
      pool.close(new Error("llama.cpp runtime disposed"));
      await context.dispose();
    }
    const loaded = await entry.loaded.catch(() => undefined);
    await loaded?.model.dispose();
  }
  const instance = await llama?.catch(() => undefined);
  await instance?.dispose();
}

function getOrLoadModel(absolutePath: string): ModelEntry {
  const existing = registry.get(absolutePath);
  if (existing) return existing;

  const loaded = loadModel(absolutePath);
  const entry: ModelEntry = { loaded, handles: new Map(), contexts: [] };
  registry.set(absolutePath, entry);
  // Forget a failed load so a later call (e.g. after the file appears) tries again.
  loaded.catch(() => {
    if (registry.get(absolutePath) === entry) registry.delete(absolutePath);
  });
  return entry;
}

async function loadModel(absolutePath: string): Promise<LoadedModel> {
  const llama = await getLlamaRuntime();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: absolutePath });
  } catch (error) {
    throw new Error(`failed to load GGUF model ${absolutePath}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  // Resolving the wrapper may parse the model's Jinja template; do it once per model, not per call.
  const { resolveChatWrapper } = await loadNodeLlamaCpp();
  return { model, chatWrapper: resolveChatWrapper(model) };
}

async function createHandle(absolutePath: string, entry: ModelEntry, options: ModelContextOptions): Promise<ModelHandle> {
  const { model, chatWrapper } = await entry.loaded;
  const sequences = options.sequences ?? DEFAULT_SEQUENCES;

  const context = await model.createContext({
    sequences,
    contextSize: options.contextSize ?? { max: DEFAULT_MAX_CONTEXT_SIZE },
    threads: options.threads ?? defaultThreads(),
  });
  // Take every sequence up front: node-llama-cpp hands each out only once, and we recycle them.
  const all = Array.from({ length: sequences }, () => context.getSequence());
  const pool = new SequencePool(all);
  entry.contexts.push({ context, pool });

  return {
    modelPath: absolutePath,
    model,
    chatWrapper,
    contextSize: context.contextSize,
    sequences,
    async withSequence(fn, signal) {
      const sequence = await pool.acquire(signal);
      try {
        return await fn(sequence);
      } finally {
        // Clearing needs the context lock, which node-llama-cpp's batch loop keeps for as long as
        // any other sequence of the context is generating. Awaiting it here would hold this
        // caller's result hostage to unrelated calls, so the sequence rejoins the pool when it is
        // clean, and the caller returns now.
        void resetSequence(sequence).then(() => pool.release(sequence));
      }
    },
  };
}

async function resetSequence(sequence: LlamaContextSequence): Promise<void> {
  if (sequence.disposed) return;
  try {
    await sequence.clearHistory();
  } catch {
    // Not fatal: a later session adapts to whatever tokens the sequence still holds.
  }
}

function layoutKey(options: ModelContextOptions): string {
  return `${options.contextSize ?? "auto"}|${options.sequences ?? DEFAULT_SEQUENCES}|${options.threads ?? "default"}`;
}

type GpuSetting = false | "auto" | "cuda" | "vulkan" | "metal";

/**
 * CPU unless `MOA_LLAMACPP_GPU` says otherwise (`auto`, `cuda`, `vulkan`, `metal`): GPU detection
 * can be slow or noisy on machines without one, and CPU always works with the prebuilt binaries.
 */
function gpuSetting(): GpuSetting {
  const value = process.env.MOA_LLAMACPP_GPU?.trim().toLowerCase();
  if (value === "auto" || value === "cuda" || value === "vulkan" || value === "metal") return value;
  return false;
}
