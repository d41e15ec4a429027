import type { ChatWrapper, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { defaultContextThreads } from "./llamaInstance.js";
import { DEFAULT_MAX_CONTEXT_SIZE, DEFAULT_SEQUENCES } from "./runtimeConfig.js";
import { SequencePool } from "./sequencePool.js";
import { LlamaRuntimeError } from "./LlamaRuntimeError.js";

/** How a model's context is laid out; calls with different layouts get different contexts. */
export interface ModelContextOptions {
  /** Tokens per sequence. Exact when given; otherwise as large as memory allows, capped at {@link DEFAULT_MAX_CONTEXT_SIZE}. */
  contextSize?: number;
  /** Parallel sequences (concurrent calls) in the context. Default {@link DEFAULT_SEQUENCES}. */
  sequences?: number;
  /** CPU threads for evaluation. Default: all cores but one (see `defaultContextThreads`), shared with other contexts. */
  threads?: number;
}

/** A loaded model plus a pool of its context sequences. */
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
   * Runs `fn` on a free sequence, queueing while all are busy; the model counts as in use (never
   * unloaded) meanwhile. The sequence is cleared before it goes back to the pool (in the background,
   * after this call has returned), so every call starts from an empty KV cache. If `signal` aborts
   * while the caller is still queued, the call rejects without running `fn`. Rejects if the model
   * has been unloaded since the handle was obtained (see `acquireModel`).
   */
  withSequence<R>(fn: (sequence: LlamaContextSequence) => Promise<R>, signal?: AbortSignal): Promise<R>;
}

/** A context with its sequence pool, as the runtime keeps it for disposal. */
export interface ContextEntry {
  context: LlamaContext;
  pool: SequencePool<LlamaContextSequence>;
  /** Background clears of returned sequences; disposal waits for them. */
  resets: Set<Promise<void>>;
}

/** How a handle tells the runtime that its model is in use. */
export interface ModelUse {
  /** Whether the model has been unloaded (the handle is then dead). */
  isUnloaded: () => boolean;
  pin: () => void;
  release: () => void;
}

/** Options of {@link createModelHandle}. */
export interface CreateModelHandleOptions {
  modelPath: string;
  model: LlamaModel;
  chatWrapper: ChatWrapper;
  layout: ModelContextOptions;
  use: ModelUse;
}

/**
 * Creates a context of `layout` on a loaded model and a handle whose calls borrow its sequences.
 *
 * @example
 * const { handle, contextEntry } = await createModelHandle({ modelPath, model, chatWrapper, layout: { sequences: 2 }, use });
 */
export async function createModelHandle({
  modelPath,
  model,
  chatWrapper,
  layout,
  use,
}: CreateModelHandleOptions): Promise<{ handle: ModelHandle; contextEntry: ContextEntry }> {
  const sequences = layout.sequences ?? DEFAULT_SEQUENCES;
  const context = await model.createContext({
    sequences,
    contextSize: layout.contextSize ?? { max: DEFAULT_MAX_CONTEXT_SIZE },
    // Every context draws from the one Llama instance's budget of maxThreads = cores. The ideal
    // (all cores but one, see defaultContextThreads) is what a lone evaluation gets; contexts
    // evaluating at the same time (several models, or layouts) get proportional shares of the
    // budget from node-llama-cpp's thread splitter, at least one each, instead of oversubscribing
    // the CPU. A fixed share (cores / models) would leave cores idle whenever only one model is
    // busy, the usual case in an aggregator step. Sequences of one context are batched and share
    // its threads.
    threads: layout.threads ?? { ideal: defaultContextThreads(), min: 1 },
  });
  // Take every sequence up front: node-llama-cpp hands each out only once, and we recycle them.
  const pool = new SequencePool(Array.from({ length: sequences }, () => context.getSequence()));
  const contextEntry: ContextEntry = { context, pool, resets: new Set() };

  const handle: ModelHandle = {
    modelPath,
    model,
    chatWrapper,
    contextSize: context.contextSize,
    sequences,
    async withSequence(fn, signal) {
      if (use.isUnloaded())
        throw new LlamaRuntimeError("unloaded", `llama.cpp model ${modelPath} was unloaded; acquire it again (or use withLlamaModel)`);
      use.pin();
      try {
        const sequence = await pool.acquire(signal);
        try {
          return await fn(sequence);
        } finally {
          // Clearing needs the context lock, which node-llama-cpp's batch loop keeps for as long as
          // any other sequence of the context is generating. Awaiting it here would hold this
          // caller's result hostage to unrelated calls, so the sequence rejoins the pool when it is
          // clean, and the caller returns now.
          const reset = resetSequence(sequence).then(() => pool.release(sequence));
          contextEntry.resets.add(reset);
          void reset.finally(() => contextEntry.resets.delete(reset));
        }
      } finally {
        use.release();
      }
    },
  };
  return { handle, contextEntry };
}

/**
 * Rejects the context's queued callers with `error`, lets pending sequence clears finish, and
 * disposes the context.
 *
 * @example
 * await disposeContextEntry(contextEntry, new Error("unloaded"));
 */
export async function disposeContextEntry({ context, pool, resets }: ContextEntry, error: Error): Promise<void> {
  pool.close(error);
  await Promise.allSettled(resets);
  await context.dispose();
}

/**
 * The key under which a model keeps one context per distinct layout.
 *
 * @example
 * layoutKey({ sequences: 2 }); // "auto|2|default"
 */
export function layoutKey(layout: ModelContextOptions): string {
  return `${layout.contextSize ?? "auto"}|${layout.sequences ?? DEFAULT_SEQUENCES}|${layout.threads ?? "default"}`;
}

async function resetSequence(sequence: LlamaContextSequence): Promise<void> {
  if (sequence.disposed) return;
  try {
    await sequence.clearHistory();
  } catch {
    // Not fatal: a later session adapts to whatever tokens the sequence still holds.
  }
}
