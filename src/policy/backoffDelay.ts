/** Longest wait between two attempts of our own backoff. */
export const MAX_BACKOFF_MS = 10_000;

/**
 * Wait before retry number `retry` (1 = after the first failure): `initialMs * 2^(retry-1)`, capped at
 * {@link MAX_BACKOFF_MS}, with "equal jitter" (between half and all of it). The jitter keeps the
 * agents of a layer, which often fail together when one server hiccups, from retrying in lockstep;
 * the fixed half keeps the wait long enough for the server to recover.
 *
 * @example
 * backoffDelay(2, 500, () => 1); // 1000
 * backoffDelay(2, 500, () => 0); // 500
 */
export function backoffDelay(retry: number, initialMs: number, random: () => number = Math.random): number {
  const full = Math.min(MAX_BACKOFF_MS, initialMs * 2 ** Math.max(0, retry - 1));
  return Math.round(full / 2 + (full / 2) * random());
}
