import { backoffDelay } from "./backoffDelay.js";
import { classifyError, type ErrorClass } from "./classifyError.js";
import { sleep as abortableSleep } from "./sleep.js";

/** Longest `Retry-After` we honour: a server asking for more is treated as asking for this. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** What {@link withRetries} reports before each wait. */
export interface RetryNotice {
  /** The attempt that failed (1-based). */
  attempt: number;
  error: unknown;
  classification: ErrorClass & { retry: true };
  delayMs: number;
}

/** Options for {@link withRetries}. */
export interface RetryOptions {
  /** Retries after the first attempt (0 = one attempt only). */
  retries: number;
  /** First backoff wait; doubles on each retry (with jitter), capped at 10 s. */
  backoffMs: number;
  /** Stops the waits (and no further attempt starts) when it aborts. */
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** Replaceable for tests. */
  classify?: (error: unknown) => ErrorClass;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Runs `attempt` until it succeeds, retrying transient failures (see {@link classifyError}) up to
 * `retries` times with exponential backoff, or after the server's `Retry-After` when it sent one.
 * A permanent failure, the last failure, and an abort of `signal` are thrown as they are, so the
 * caller describes the real error rather than a wrapper.
 *
 * @example
 * let attempts = 0;
 * const message = await withRetries(() => (attempts++, model.invoke(messages, { signal })), { retries: 2, backoffMs: 500, signal });
 */
export function withRetries<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  // Most calls succeed at once: the first attempt costs no more than the call itself.
  return attempt(1).catch((error: unknown) => retryAfterFailure(attempt, options, error));
}

async function retryAfterFailure<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions,
  firstError: unknown,
): Promise<T> {
  const { retries, backoffMs, signal, onRetry, classify = classifyError, random = Math.random, sleep = abortableSleep } = options;
  let error = firstError;
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (signal?.aborted || attemptNumber > retries) throw error;
    const classification = classify(error);
    if (!classification.retry) throw error;
    const delayMs =
      classification.retryAfterMs !== undefined
        ? Math.min(classification.retryAfterMs, MAX_RETRY_AFTER_MS)
        : backoffDelay(attemptNumber, backoffMs, random);
    onRetry?.({ attempt: attemptNumber, error, classification, delayMs });
    await sleep(delayMs, signal);
    try {
      return await attempt(attemptNumber + 1);
    } catch (next) {
      error = next;
    }
  }
}
