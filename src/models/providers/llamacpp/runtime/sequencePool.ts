import { InternalError } from "../../../../errors/InternalError.js";
import { LlamaRuntimeError } from "./LlamaRuntimeError.js";
/**
 * A fixed set of reusable resources handed out one caller at a time, with a FIFO queue for callers
 * that arrive while every resource is busy.
 *
 * The runtime uses it for the context sequences of a loaded model: a sequence holds one
 * conversation's KV cache, so two calls must never share one, but calls on different sequences of
 * the same context are batched together by node-llama-cpp.
 *
 * @example
 * const pool = new SequencePool(["a", "b"]);
 * const upper = await pool.use(async (item) => item.toUpperCase());
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiters: Array<{ resolve: (item: T) => void; reject: (error: unknown) => void }> = [];
  private closedError: Error | undefined;

  constructor(items: readonly T[]) {
    if (items.length === 0) throw new InternalError("SequencePool needs at least one item");
    this.free = [...items];
  }

  /** How many items are idle right now. */
  get available(): number {
    return this.free.length;
  }

  /** How many callers are waiting for an item. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Takes an item, waiting in line if none is free. Rejects with `signal.reason` if the signal is
   * aborted first (the caller leaves the queue), or when the pool is closed.
   */
  acquire(signal?: AbortSignal): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const item = this.free.shift();
    if (item !== undefined) return Promise.resolve(item);

    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter = {
        resolve: (value: T) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Gives an item back: straight to the longest-waiting caller, else to the free list. */
  release(item: T): void {
    if (this.closedError) return;
    const next = this.waiters.shift();
    if (next) next.resolve(item);
    else this.free.push(item);
  }

  /** Runs `fn` with an item and always gives the item back. */
  async use<R>(fn: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R> {
    const item = await this.acquire(signal);
    try {
      return await fn(item);
    } finally {
      this.release(item);
    }
  }

  /** Rejects every waiting caller and refuses new ones; used when the owning model is disposed. */
  close(error: Error = new LlamaRuntimeError("disposed", "SequencePool closed")): void {
    this.closedError = error;
    this.free.length = 0;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
