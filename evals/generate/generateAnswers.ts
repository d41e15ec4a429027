import type { EvalItem, GeneratedAnswer } from "../types.js";
import type { AnswerStore } from "./itemStore.js";
import { forEachConcurrently } from "./forEachConcurrently.js";
import { emptyAnswer } from "./responder.js";
import type { Responder } from "./responder.js";

/** Progress of a generation, reported after every item. */
export interface GenerationProgress {
  total: number;
  /** Items with an answer (stored earlier or generated now) or a failure. */
  done: number;
  /** Of `done`: answers found in the store from an earlier run. */
  reused: number;
  failed: number;
  /** Over the items generated in this run. */
  calls: number;
  tokens: number;
  elapsedMs: number;
  /** Items per second in this run, and the estimated time left; undefined before the first generated item. */
  itemsPerSecond?: number;
  etaMs?: number;
}

/** Options of {@link generateAnswers}. */
export interface GenerateAnswersOptions {
  items: EvalItem[];
  responder: Responder;
  store: AnswerStore;
  /** Items generated at once. */
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (progress: GenerationProgress) => void;
}

const MAX_ERROR_LENGTH = 500;

/**
 * Answers every item with bounded concurrency, reusing what the store holds for this responder and
 * storing each new answer as soon as it is made (so an interrupted run goes on where it stopped). A
 * failed item is stored with its error and counted, and tried again on the next run.
 *
 * @example
 * const answers = await generateAnswers({ items, responder, store, concurrency: 4 });
 */
export async function generateAnswers({
  items,
  responder,
  store,
  concurrency,
  signal,
  onProgress,
}: GenerateAnswersOptions): Promise<Map<string, GeneratedAnswer>> {
  const answers = new Map<string, GeneratedAnswer>();
  const pending: EvalItem[] = [];
  for (const item of items) {
    const stored = store.get(item.id);
    if (stored) answers.set(item.id, stored);
    else pending.push(item);
  }
  const started = performance.now();
  const progress: GenerationProgress = {
    total: items.length,
    done: answers.size,
    reused: answers.size,
    failed: 0,
    calls: 0,
    tokens: 0,
    elapsedMs: 0,
  };
  const report = () => {
    progress.elapsedMs = performance.now() - started;
    const generated = progress.done - progress.reused;
    if (generated > 0) {
      progress.itemsPerSecond = generated / (progress.elapsedMs / 1000);
      progress.etaMs = ((progress.total - progress.done) / progress.itemsPerSecond) * 1000;
    }
    onProgress?.({ ...progress });
  };
  report();

  await forEachConcurrently({
    items: pending,
    concurrency,
    signal,
    each: async (item, itemSignal) => {
      let answer: GeneratedAnswer;
      try {
        answer = { itemId: item.id, ...(await responder.answer({ turns: item.turns, ...(itemSignal ? { signal: itemSignal } : {}) })) };
      } catch (error) {
        // An interrupted item is not a failure of the topology: it is simply generated next time.
        if (signal?.aborted) return;
        answer = { itemId: item.id, ...emptyAnswer(), error: String((error as Error).message ?? error).slice(0, MAX_ERROR_LENGTH) };
        progress.failed++;
      }
      store.put(answer);
      answers.set(item.id, answer);
      progress.done++;
      progress.calls += answer.calls;
      progress.tokens += answer.inputTokens + answer.outputTokens;
      report();
    },
  });
  return answers;
}
