/**
 * Aborts its signal when the network goes quiet for `limitMs` while armed. Armed only around network
 * waits, so local work between them (hashing a large partial file) never counts as a stall.
 *
 * @example
 * const watch = new StallWatch(30_000);
 * watch.arm("response headers");
 * const res = await fetch(url, { signal: AbortSignal.any([signal, watch.signal]) });
 * watch.arm("bytes");
 * for await (const chunk of res.body ?? []) watch.arm("bytes");
 * watch.disarm();
 */
export class StallWatch {
  readonly limitMs: number;
  /** What was awaited when the watch fired. */
  waitingFor: string | undefined;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(limitMs: number) {
    this.limitMs = limitMs;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get fired(): boolean {
    return this.controller.signal.aborted;
  }

  /** (Re)starts the countdown: something arrived, and `waitingFor` is what comes next. */
  arm(waitingFor: string): void {
    if (this.fired) return;
    this.disarm();
    this.waitingFor = waitingFor;
    this.timer = setTimeout(() => this.controller.abort(new Error(`no ${waitingFor} for ${this.limitMs} ms`)), this.limitMs);
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
