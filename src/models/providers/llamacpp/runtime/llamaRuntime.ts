import { stat } from "node:fs/promises";
import path from "node:path";
import type { LlamaModel } from "node-llama-cpp";
import { abortable } from "./abortable.js";
import { systemAvailableMemory } from "./availableMemory.js";
import { formatMemorySize } from "./byteSize.js";
import { assertGgufHeader } from "./ggufInfo.js";
import { estimateLlamaMemory, type LlamaMemoryEstimate } from "./estimateLlamaMemory.js";
import { detachLlamaRuntime, getLlamaRuntime } from "./llamaInstance.js";
import { LlamaMemoryError } from "./LlamaMemoryError.js";
import { loadNodeLlamaCpp } from "./loadNodeLlamaCpp.js";
import { createModelHandle, layoutKey, type ModelContextOptions, type ModelHandle } from "./modelHandle.js";
import {
  bytesOf,
  changes,
  disposeEntry,
  pin,
  registry,
  release,
  resetUnloadCount,
  sum,
  unloadCount,
  unloadEntry,
  unloadingBytes,
  unloadsSettled,
  type LoadedModel,
  type ModelEntry,
} from "./modelRegistry.js";
import { planRoom } from "./planRoom.js";
import {
  DEFAULT_SEQUENCES,
  effectiveRuntimeConfig,
  setRuntimeConfig,
  type EffectiveLlamaRuntimeConfig,
  type LlamaRuntimeConfig,
} from "./runtimeConfig.js";
import { ConfigError } from "../../../../errors/ConfigError.js";
import { LlamaRuntimeError } from "./LlamaRuntimeError.js";

export { defaultContextThreads, defaultThreads, getLlamaRuntime } from "./llamaInstance.js";
export type { ModelContextOptions, ModelHandle } from "./modelHandle.js";
export {
  DEFAULT_MAX_CONTEXT_SIZE,
  DEFAULT_MAX_LOADED_MODELS,
  DEFAULT_SEQUENCES,
  type EffectiveLlamaRuntimeConfig,
  type LlamaRuntimeConfig,
} from "./runtimeConfig.js";

/** Options of {@link withLlamaModel}. */
export interface WithLlamaModelOptions<R> extends ModelContextOptions {
  /** GGUF file; relative paths resolve against the working directory. */
  modelPath: string;
  /** Cancels waiting for room, for the load and for the context; not `fn` itself (pass it on). */
  signal?: AbortSignal;
  fn: (handle: ModelHandle) => Promise<R>;
}

/** One loaded (or loading) model in {@link llamaRuntimeStats}. */
export interface LlamaModelStats {
  modelPath: string;
  state: "loading" | "loaded";
  /** Calls using the model now, queued ones included. */
  activeCalls: number;
  /** `Date.now()` when a call last started or finished on it. */
  lastUsed: number;
  estimatedBytes: number;
  contexts: number;
}

/** Snapshot returned by {@link llamaRuntimeStats}. */
export interface LlamaRuntimeStats extends EffectiveLlamaRuntimeConfig {
  /** Least recently used first: the next candidate for unloading leads. */
  models: LlamaModelStats[];
  /** Models unloaded to make room since the last {@link disposeAll}. */
  unloads: number;
  /** Callers waiting for a busy model to become idle so theirs can load. */
  waiting: number;
}

// Bumped by disposeAll, so a reservation begun before it cannot load into the new runtime's registry.
let epoch = 0;

/**
 * Changes the runtime's limits; see {@link LlamaRuntimeConfig}. Called without arguments it restores
 * the defaults (`MOA_LLAMACPP_MAX_MODELS`, `MOA_LLAMACPP_MEMORY_LIMIT`, else 4 models and measured
 * memory). Callers waiting for room re-check at once. Loaded models above a lowered cap stay until
 * a load needs their slot.
 *
 * @example
 * configureLlamaRuntime({ maxLoadedModels: 2, memoryLimitBytes: 8 * 1024 ** 3 });
 * configureLlamaRuntime(); // back to the defaults
 */
export function configureLlamaRuntime(
  config: LlamaRuntimeConfig = { maxLoadedModels: null, memoryLimitBytes: null },
): EffectiveLlamaRuntimeConfig {
  setRuntimeConfig(config);
  changes.notify();
  return effectiveRuntimeConfig();
}

/**
 * Runs `fn` with a handle on a loaded model, loading it first if needed (once per absolute path;
 * concurrent callers share one load). The model counts as in use until `fn` settles, so it is never
 * unloaded under a caller. Loading may first unload idle models (least recently used first) to stay
 * under `maxLoadedModels` and the memory limit, or wait while busy models hold the room.
 *
 * @throws {LlamaMemoryError} before loading, when the model cannot fit even with every other model unloaded.
 * @example
 * const text = await withLlamaModel({ modelPath: "models/qwen2.5-0.5b.gguf", sequences: 4, fn: (handle) => handle.withSequence(run) });
 */
export async function withLlamaModel<R>({ modelPath, signal, fn, ...layout }: WithLlamaModelOptions<R>): Promise<R> {
  const sequences = layout.sequences ?? DEFAULT_SEQUENCES;
  if (!Number.isInteger(sequences) || sequences < 1)
    throw new ConfigError([{ path: "sequences", message: `expected a positive integer, got ${sequences}` }]);
  const entry = await reserveModel(path.resolve(modelPath), layout, signal);
  try {
    return await fn(await abortable(handleFor(entry, layout, signal), signal));
  } finally {
    release(entry);
  }
}

/**
 * Loads a model like {@link withLlamaModel} and returns its handle without keeping it in use: the
 * model may be unloaded once idle, after which the handle's `withSequence` rejects. Prefer
 * {@link withLlamaModel}, which holds the model for the whole call.
 *
 * @example
 * const handle = await acquireModel("models/qwen2.5-0.5b.gguf", { sequences: 4 });
 * const text = await handle.withSequence(async (sequence) => runSomething(sequence));
 */
export function acquireModel(modelPath: string, options: ModelContextOptions = {}): Promise<ModelHandle> {
  return withLlamaModel({ modelPath, ...options, fn: async (handle) => handle });
}

/**
 * Absolute paths of the models currently loaded or loading, least recently used first.
 *
 * @example
 * console.log(`llama.cpp models in memory: ${loadedModelPaths().join(", ")}`);
 */
export function loadedModelPaths(): string[] {
  return [...registry.keys()];
}

/**
 * The runtime's limits, its models (least recently used first) with their use and estimated RAM,
 * and how many models were unloaded to make room.
 *
 * @example
 * const { models, unloads } = llamaRuntimeStats();
 */
export function llamaRuntimeStats(): LlamaRuntimeStats {
  return {
    ...effectiveRuntimeConfig(),
    models: [...registry.values()].map((entry) => ({
      modelPath: entry.modelPath,
      state: entry.state,
      activeCalls: entry.activeCalls,
      lastUsed: entry.lastUsed,
      estimatedBytes: bytesOf(entry),
      contexts: entry.contexts.length,
    })),
    unloads: unloadCount(),
    waiting: changes.size,
  };
}

/**
 * Estimated bytes of the contexts of the models now loaded or loading: memory the system does not
 * report as available, and which unloading them would free. (Their weights are memory-mapped and
 * already count as available.) The pre-flight check adds it to the measured memory.
 *
 * @example
 * const available = (await systemAvailableMemory()).bytes + heldContextBytes();
 */
export function heldContextBytes(): number {
  return sum([...registry.values()].map((entry) => sum([...entry.contextBytes.values()])));
}

/**
 * Disposes every context, model and the `Llama` instance, and resets the unload count. Queued
 * callers (for a sequence or for room) are rejected and running generations fail with
 * node-llama-cpp's `DisposedError` ("Object is disposed"). Call it at CLI exit and in test teardown;
 * later calls load everything again.
 *
 * @example
 * afterAll(() => disposeAll());
 */
export async function disposeAll(): Promise<void> {
  epoch += 1;
  const entries = [...registry.values()];
  registry.clear();
  resetUnloadCount();
  const error = new LlamaRuntimeError("disposed", "llama.cpp runtime disposed");
  changes.failAll(error);
  const llama = detachLlamaRuntime();

  for (const entry of entries) {
    entry.unloaded = true;
    await disposeEntry(entry, error);
  }
  await unloadsSettled();
  const instance = await llama?.catch(() => undefined);
  await instance?.dispose();
}

async function reserveModel(modelPath: string, layout: ModelContextOptions, signal: AbortSignal | undefined): Promise<ModelEntry> {
  const pinExisting = (): ModelEntry | undefined => {
    const entry = registry.get(modelPath);
    if (entry) pin(entry);
    return entry;
  };
  signal?.throwIfAborted();
  const existing = pinExisting();
  if (existing) return existing;

  const estimate = await estimateOrSkip(modelPath, layout);
  return reserveRoom({
    neededBytes: estimate?.totalBytes ?? 0,
    addsModel: true,
    signal,
    existing: pinExisting,
    commit: () => {
      const entry = createEntry(modelPath, layout, estimate);
      pin(entry);
      return entry;
    },
    refuse: (room) =>
      new LlamaMemoryError({
        modelPath,
        neededBytes: estimate?.totalBytes ?? 0,
        availableBytes: room.freeBytes + room.reclaimableBytes,
        reclaimableBytes: room.reclaimableBytes,
        source: room.source,
        breakdown:
          estimate &&
          `weights ${formatMemorySize(estimate.modelBytes)} + context ${formatMemorySize(estimate.contextBytes)} for ${estimate.sequences} x ${estimate.contextSize} tokens`,
        contextDominates: estimate !== undefined && estimate.contextBytes > estimate.modelBytes,
      }),
  });
}

/** The handle for `layout` on a pinned entry, reserving room for a new context first. */
async function handleFor(entry: ModelEntry, layout: ModelContextOptions, signal: AbortSignal | undefined): Promise<ModelHandle> {
  const key = layoutKey(layout);
  if (!entry.contextBytes.has(key)) {
    const estimate = await estimateOrSkip(entry.modelPath, layout);
    const bytes = estimate?.contextBytes ?? 0;
    await reserveRoom({
      neededBytes: bytes,
      addsModel: false,
      keep: entry,
      signal,
      existing: () => (entry.contextBytes.has(key) ? true : undefined),
      commit: () => {
        entry.contextBytes.set(key, bytes);
        entry.pendingBytes += bytes;
        return true;
      },
      refuse: (room) =>
        new LlamaMemoryError({
          modelPath: entry.modelPath,
          neededBytes: bytes,
          availableBytes: room.freeBytes + room.reclaimableBytes,
          reclaimableBytes: room.reclaimableBytes,
          source: room.source,
          breakdown: estimate && `a new context of ${estimate.sequences} x ${estimate.contextSize} tokens for the loaded model`,
          contextDominates: true,
        }),
    });
  }
  let handle = entry.handles.get(key);
  if (!handle) {
    const created = createHandle(entry, layout);
    handle = created;
    entry.handles.set(key, created);
    const settle = (): void => {
      entry.pendingBytes -= entry.contextBytes.get(key) ?? 0;
      changes.notify();
    };
    created.then(settle, () => {
      settle();
      // A failed context creation must not poison later attempts with the same layout.
      if (entry.handles.get(key) === created) {
        entry.handles.delete(key);
        entry.contextBytes.delete(key);
      }
    });
  }
  return handle;
}

interface Room {
  freeBytes: number;
  reclaimableBytes: number;
  source: string;
}

interface ReserveRoomOptions<T> {
  neededBytes: number;
  addsModel: boolean;
  /** The model a context is being added to: neither unloaded nor counted as reclaimable. */
  keep?: ModelEntry;
  signal: AbortSignal | undefined;
  /** Someone else made the reservation meanwhile: its result, else undefined. */
  existing: () => T | undefined;
  /** Makes the reservation; runs synchronously right after the unloads it needed. */
  commit: () => T;
  refuse: (room: Room) => Error;
}

/**
 * The loop behind every load and new context: measure, plan, then unload and commit in the same
 * tick (so two callers cannot both claim the last slot), or sleep until a call ends, a model is
 * unloaded or the limits change. Waiting cannot deadlock: callers waiting here hold no model, and the
 * calls they wait for finish on their own.
 */
async function reserveRoom<T>({ neededBytes, addsModel, keep, signal, existing, commit, refuse }: ReserveRoomOptions<T>): Promise<T> {
  const startEpoch = epoch;
  for (;;) {
    signal?.throwIfAborted();
    const found = existing();
    if (found !== undefined) return found;
    const { maxLoadedModels, memoryLimitBytes, memoryLimitSource } = effectiveRuntimeConfig();
    const system = memoryLimitBytes === undefined ? await systemAvailableMemory() : undefined;
    if (epoch !== startEpoch) throw new LlamaRuntimeError("disposed", "llama.cpp runtime disposed");
    signal?.throwIfAborted();
    const again = existing();
    if (again !== undefined) return again;

    const entries = [...registry.values()];
    const others = entries
      .filter((entry) => entry !== keep)
      .map((entry) => ({ entry, bytes: bytesOf(entry), idle: entry.state === "loaded" && entry.activeCalls === 0 }));
    // A limit is a budget for our own estimates. Measured memory already reflects allocated
    // contexts, but not contexts still being created, nor weights: they are memory-mapped, and the
    // kernel counts mapped file pages as available although evicting them would thrash. Contexts of
    // models being unloaded are about to be freed.
    const freeBytes = system
      ? system.bytes - sum(entries.map((entry) => entry.modelBytes + entry.pendingBytes)) + unloadingBytes()
      : (memoryLimitBytes ?? Infinity) - sum(entries.map(bytesOf));
    const plan = planRoom({ neededBytes, freeBytes, addsModel, loadedCount: registry.size, maxLoadedModels, others });
    if (plan.kind === "never") {
      throw refuse({ freeBytes, reclaimableBytes: plan.reclaimableBytes, source: system?.source ?? memoryLimitSource ?? "memory limit" });
    }
    if (plan.kind === "now") {
      for (const { entry } of plan.evict) unloadEntry(entry);
      return commit();
    }
    await changes.wait(signal);
  }
}

function createEntry(modelPath: string, layout: ModelContextOptions, estimate: LlamaMemoryEstimate | undefined): ModelEntry {
  const entry: ModelEntry = {
    modelPath,
    loaded: loadModel(modelPath),
    state: "loading",
    handles: new Map(),
    contexts: [],
    activeCalls: 0,
    lastUsed: Date.now(),
    modelBytes: estimate?.modelBytes ?? 0,
    // The first context's room is reserved together with the weights: the load needs both.
    contextBytes: new Map([[layoutKey(layout), estimate?.contextBytes ?? 0]]),
    pendingBytes: estimate?.contextBytes ?? 0,
    unloaded: false,
  };
  registry.set(modelPath, entry);
  entry.loaded.then(
    () => {
      entry.state = "loaded";
      changes.notify();
    },
    () => {
      // Forget a failed load so a later call (e.g. after the file appears) tries again.
      if (registry.get(modelPath) === entry) registry.delete(modelPath);
      changes.notify();
    },
  );
  return entry;
}

async function loadModel(absolutePath: string): Promise<LoadedModel> {
  // Models unloaded to make room must really be gone before the weights of this one come in.
  await unloadsSettled();
  const llama = await getLlamaRuntime();
  let model: LlamaModel;
  try {
    // llama.cpp's own parser trusts the header's counts too.
    await assertGgufHeader({ filePath: absolutePath, fileSizeBytes: (await stat(absolutePath)).size });
    model = await llama.loadModel({ modelPath: absolutePath });
  } catch (error) {
    throw new LlamaRuntimeError(
      "load_failed",
      `failed to load GGUF model ${absolutePath}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  // Resolving the wrapper may parse the model's Jinja template; do it once per model, not per call.
  const { resolveChatWrapper } = await loadNodeLlamaCpp();
  return { model, chatWrapper: resolveChatWrapper(model) };
}

async function createHandle(entry: ModelEntry, layout: ModelContextOptions): Promise<ModelHandle> {
  const { model, chatWrapper } = await entry.loaded;
  const use = { isUnloaded: () => entry.unloaded, pin: () => pin(entry), release: () => release(entry) };
  const { handle, contextEntry } = await createModelHandle({ modelPath: entry.modelPath, model, chatWrapper, layout, use });
  entry.contexts.push(contextEntry);
  return handle;
}

/** Estimates for the guard; a missing or unreadable file skips it, so the load fails with its own message. */
async function estimateOrSkip(modelPath: string, layout: ModelContextOptions): Promise<LlamaMemoryEstimate | undefined> {
  return estimateLlamaMemory({ modelPath, contextSize: layout.contextSize, sequences: layout.sequences }).catch(() => undefined);
}
