/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts, and clears the
 * timer so an aborted wait holds nothing open.
 *
 * @example
 * await delay(250, AbortSignal.timeout(100)); // rejects after 100 ms with a TimeoutError
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
