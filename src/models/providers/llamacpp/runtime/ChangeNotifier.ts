interface Waiter {
  wake: () => void;
  fail: (error: Error) => void;
}

/**
 * A wake-up call for callers waiting until "something changed" (a call ended, a model was unloaded,
 * the limits changed), after which they re-check their own condition. Waking everyone is simpler
 * than matching waiters to events and costs nothing at the handful of callers a MoA run has.
 *
 * @example
 * const changes = new ChangeNotifier();
 * while (!ready()) await changes.wait(signal);
 * // elsewhere, when state changes:
 * changes.notify();
 */
export class ChangeNotifier {
  private readonly waiters = new Set<Waiter>();

  /** How many callers are waiting. */
  get size(): number {
    return this.waiters.size;
  }

  /** Resolves at the next {@link notify}; rejects with `signal.reason` if the signal aborts first. */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        fail: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Wakes every current waiter. */
  notify(): void {
    const all = [...this.waiters];
    this.waiters.clear();
    for (const waiter of all) waiter.wake();
  }

  /** Rejects every current waiter with `error`. */
  failAll(error: Error): void {
    const all = [...this.waiters];
    this.waiters.clear();
    for (const waiter of all) waiter.fail(error);
  }
}
