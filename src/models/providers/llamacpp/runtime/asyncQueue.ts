/**
 * Turns push-style callbacks (node-llama-cpp's `onTextChunk`) into an async iterable, so a
 * generation running in the background can feed an `async *` generator.
 *
 * @example
 * const queue = new AsyncQueue<string>();
 * queue.push("a"); queue.end();
 * for await (const item of queue) console.log(item);
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private finished = false;
  private failure: { error: unknown } | undefined;

  push(item: T): void {
    if (this.finished) return;
    this.items.push(item);
    this.notify();
  }

  /** No more items; iteration ends after the buffered ones. */
  end(): void {
    this.finished = true;
    this.notify();
  }

  /** Iteration throws `error` after the buffered items. */
  fail(error: unknown): void {
    if (this.finished) return;
    this.failure = { error };
    this.finished = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.items.length > 0) {
        yield this.items.shift() as T;
        continue;
      }
      if (this.failure) throw this.failure.error;
      if (this.finished) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
