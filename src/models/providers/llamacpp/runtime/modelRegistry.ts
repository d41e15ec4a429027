import type { ChatWrapper, LlamaModel } from "node-llama-cpp";
import { ChangeNotifier } from "./ChangeNotifier.js";
import { disposeContextEntry, type ContextEntry, type ModelHandle } from "./modelHandle.js";
import { LlamaRuntimeError } from "./LlamaRuntimeError.js";

/** A model's weights and its resolved chat template. */
export interface LoadedModel {
  model: LlamaModel;
  chatWrapper: ChatWrapper;
}

/** One model in the registry, from the moment its load is reserved until it is unloaded. */
export interface ModelEntry {
  readonly modelPath: string;
  readonly loaded: Promise<LoadedModel>;
  state: "loading" | "loaded";
  /** One context per distinct layout, keyed by `layoutKey`. */
  handles: Map<string, Promise<ModelHandle>>;
  contexts: ContextEntry[];
  /** Calls holding the model (running or queued for a sequence); it is never unloaded above 0. */
  activeCalls: number;
  lastUsed: number;
  modelBytes: number;
  /** Estimated bytes per layout, reserved before the context is created. */
  contextBytes: Map<string, number>;
  /** Context bytes reserved but not allocated yet (contexts being created). */
  pendingBytes: number;
  unloaded: boolean;
}

/**
 * Loaded and loading models by absolute path, least recently used first: {@link touch} re-inserts
 * an entry on every use, and a Map iterates in insertion order.
 */
export const registry = new Map<string, ModelEntry>();

/** Woken whenever room may have appeared: a call ended, a load finished or failed, a model was unloaded. */
export const changes = new ChangeNotifier();

/** Models being unloaded, with the context bytes they hold until their disposal finishes. */
const unloading = new Map<Promise<void>, number>();
let unloads = 0;

/**
 * Counts a call on the model and marks it most recently used.
 *
 * @example
 * pin(entry); try { await work(); } finally { release(entry); }
 */
export function pin(entry: ModelEntry): void {
  entry.activeCalls += 1;
  touch(entry);
}

/**
 * Ends a call counted by {@link pin}; the last one wakes callers waiting for room.
 *
 * @example
 * release(entry);
 */
export function release(entry: ModelEntry): void {
  entry.activeCalls -= 1;
  touch(entry);
  if (entry.activeCalls === 0) changes.notify();
}

/**
 * Removes an idle model from the registry and disposes it in the background; loads wait for that
 * disposal (see {@link unloadsSettled}) so its memory is really free before other weights come in.
 *
 * @example
 * for (const entry of plan.evict) unloadEntry(entry);
 */
export function unloadEntry(entry: ModelEntry): void {
  registry.delete(entry.modelPath);
  entry.unloaded = true;
  unloads += 1;
  const done: Promise<void> = disposeEntry(entry, new LlamaRuntimeError("unloaded", `llama.cpp model ${entry.modelPath} was unloaded`))
    .catch(() => undefined)
    .finally(() => {
      unloading.delete(done);
      changes.notify();
    });
  // Only the contexts: the weights are memory-mapped, so measured memory never counted them as used.
  unloading.set(done, sum([...entry.contextBytes.values()]));
}

/**
 * Disposes an entry's contexts (rejecting their queued callers with `error`) and then its model.
 *
 * @example
 * await disposeEntry(entry, new Error("llama.cpp runtime disposed"));
 */
export async function disposeEntry(entry: ModelEntry, error: Error): Promise<void> {
  // Wait for in-flight context creations so nothing is created after we dispose.
  await Promise.allSettled(entry.handles.values());
  for (const contextEntry of entry.contexts) await disposeContextEntry(contextEntry, error);
  const loaded = await entry.loaded.catch(() => undefined);
  await loaded?.model.dispose();
}

/**
 * Resolves when every unload begun so far has finished.
 *
 * @example
 * await unloadsSettled();
 */
export async function unloadsSettled(): Promise<void> {
  await Promise.allSettled(unloading.keys());
}

/**
 * Context bytes still held by models whose unload has not finished.
 *
 * @example
 * const free = measured + unloadingBytes();
 */
export function unloadingBytes(): number {
  return sum([...unloading.values()]);
}

/**
 * Models unloaded to make room since the last {@link resetUnloadCount}.
 *
 * @example
 * expect(unloadCount()).toBe(1);
 */
export function unloadCount(): number {
  return unloads;
}

/**
 * Starts the unload count again from zero (the runtime does so in `disposeAll`).
 *
 * @example
 * resetUnloadCount();
 */
export function resetUnloadCount(): void {
  unloads = 0;
}

/**
 * Estimated RAM an entry holds or has reserved: weights plus every context layout.
 *
 * @example
 * const held = [...registry.values()].reduce((total, entry) => total + bytesOf(entry), 0);
 */
export function bytesOf(entry: ModelEntry): number {
  return entry.modelBytes + sum([...entry.contextBytes.values()]);
}

/**
 * Adds numbers up.
 *
 * @example
 * sum([1, 2, 3]); // 6
 */
export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Marks the entry as just used: re-inserting moves it to the end of the LRU order. */
function touch(entry: ModelEntry): void {
  entry.lastUsed = Date.now();
  if (registry.get(entry.modelPath) !== entry) return;
  registry.delete(entry.modelPath);
  registry.set(entry.modelPath, entry);
}
