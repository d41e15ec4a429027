/** Limits of {@link RunSlots}. */
export interface RunSlotsOptions {
  /** Runs at once. */
  maxRunning: number;
  /** Requests waiting for a slot beyond those; one more is refused. */
  maxWaiting: number;
}

/** Why a slot was not given. */
export type SlotRefusal = "queue_full" | "closed" | "aborted";

/**
 * Admission control for runs: at most `maxRunning` at once, at most `maxWaiting` in line (first come,
 * first served), everyone else refused at once so the client can retry later (HTTP 429) rather than
 * wait without end. A waiting request whose client leaves gives up its place.
 *
 * @example
 * const slots = new RunSlots({ maxRunning: 4, maxWaiting: 16 });
 * const release = await slots.acquire(signal); // throws SlotRefusedError when full
 * try { await run(); } finally { release(); }
 */
export class RunSlots {
  readonly maxRunning: number;
  readonly maxWaiting: number;
  private running = 0;
  private closed = false;
  private readonly waiting: Array<{ grant: () => void }> = [];
  private readonly idleWaiters: Array<() => void> = [];

  constructor({ maxRunning, maxWaiting }: RunSlotsOptions) {
    this.maxRunning = maxRunning;
    this.maxWaiting = maxWaiting;
  }

  /** Runs now, and requests waiting. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Waits for a slot; the function returned gives it back (once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.closed) throw new SlotRefusedError("closed");
    if (signal?.aborted) throw new SlotRefusedError("aborted");
    if (this.running < this.maxRunning && this.waiting.length === 0) {
      this.running++;
      return this.releaser();
    }
    if (this.waiting.length >= this.maxWaiting) throw new SlotRefusedError("queue_full");
    await new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new SlotRefusedError("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
    });
    return this.releaser();
  }

  /** Refuses new requests from now on (requests already waiting still get their turn). */
  close(): void {
    this.closed = true;
  }

  /** Resolves once no run holds a slot and none waits. */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line: the count stays the same.
      if (next) next.grant();
      else this.running--;
      if (this.running === 0 && this.waiting.length === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
  }
}

/** Thrown by {@link RunSlots.acquire} when no slot is given. */
export class SlotRefusedError extends Error {
  readonly reason: SlotRefusal;

  constructor(reason: SlotRefusal) {
    super(`no run slot: ${reason}`);
    this.name = "SlotRefusedError";
    this.reason = reason;
  }
}
