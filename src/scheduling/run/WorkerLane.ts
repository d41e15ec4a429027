import type { ScheduleStep } from "../types.js";

/** What a lane is doing, for progress displays. */
export type LaneState =
  | { kind: "loading"; model: number }
  | { kind: "waiting"; step: Extract<ScheduleStep, { kind: "serve" }> }
  | { kind: "serving"; step: Extract<ScheduleStep, { kind: "serve" }> }
  | { kind: "done" };

/** Options of {@link WorkerLane}. */
export interface WorkerLaneOptions {
  steps: readonly ScheduleStep[];
  /** Makes a model resident (and evicts what the schedule's rule evicts); resolves when it is loaded. */
  load: (model: number) => Promise<void>;
  onState?: (state: LaneState) => void;
  signal?: AbortSignal;
}

type Serve = Extract<ScheduleStep, { kind: "serve" }>;

interface Arrival {
  /** Resolves the caller's turn with the function that ends it. */
  grant: (release: () => void) => void;
}

/**
 * One worker's plan, executed in order: loads run by themselves; a serve step waits for the call it
 * stands for (a graph asking for that query on that model) or for it to be dropped (the gate skipped the
 * aggregator, the query was already answered), lets it run, and waits for it to end before the next step.
 *
 * @example
 * const lane = new WorkerLane({ steps, load: (m) => loadModel(m) });
 * const done = lane.run();
 * const release = await lane.turn({ kind: "serve", model: 0, query: 3, stage: "expert" });
 * try { await callTheModel(); } finally { release(); }
 */
export class WorkerLane {
  readonly #steps: readonly ScheduleStep[];
  readonly #load: (model: number) => Promise<void>;
  readonly #onState: ((state: LaneState) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #arrivals = new Map<string, Arrival>();
  readonly #dropped = new Set<string>();
  readonly #owned: Set<string>;
  // Steps the plan has passed; a second call for one (a retry) runs between planned steps.
  readonly #passed = new Set<string>();
  readonly #extras: Array<(release: () => void) => void> = [];
  #finished = false;
  // Wakes the run loop when a call arrives or a step is dropped.
  #wake: (() => void) | undefined;

  constructor({ steps, load, onState, signal }: WorkerLaneOptions) {
    this.#steps = steps;
    this.#load = load;
    this.#onState = onState;
    this.#signal = signal;
    this.#owned = new Set(steps.flatMap((s) => (s.kind === "serve" ? [keyOf(s)] : [])));
  }

  /** Whether this lane's plan has the step. */
  owns(step: Serve): boolean {
    return this.#owned.has(keyOf(step));
  }

  /** Waits for the step's turn; the returned function ends the turn (call it when the model call ends). */
  turn(step: Serve): Promise<() => void> {
    const key = keyOf(step);
    return new Promise((grant) => {
      if (this.#finished) grant(() => {});
      else if (this.#passed.has(key)) this.#extras.push(grant);
      else this.#arrivals.set(key, { grant });
      this.#wake?.();
    });
  }

  /** Drops a step that will not be called, so the lane moves past it. */
  drop(step: Serve): void {
    this.#dropped.add(keyOf(step));
    this.#wake?.();
  }

  /** Runs the plan to its end; rejects when aborted or a load fails. */
  async run(): Promise<void> {
    for (const step of this.#steps) {
      this.#signal?.throwIfAborted();
      if (step.kind === "load") {
        this.#onState?.({ kind: "loading", model: step.model });
        await this.#load(step.model);
        continue;
      }
      await this.#serveExtras();
      this.#onState?.({ kind: "waiting", step });
      const key = keyOf(step);
      const arrival = await this.#until(key);
      this.#passed.add(key);
      if (!arrival) continue;
      this.#onState?.({ kind: "serving", step });
      await new Promise<void>((release) => arrival.grant(release));
    }
    await this.#serveExtras();
    this.#finished = true;
    this.#onState?.({ kind: "done" });
  }

  async #serveExtras(): Promise<void> {
    for (let grant = this.#extras.shift(); grant; grant = this.#extras.shift()) await new Promise<void>((release) => grant(release));
  }

  async #until(key: string): Promise<Arrival | undefined> {
    for (;;) {
      const arrival = this.#arrivals.get(key);
      if (arrival) {
        this.#arrivals.delete(key);
        return arrival;
      }
      if (this.#dropped.delete(key)) return undefined;
      // A retry waiting here may be what the awaited step depends on (its query's aggregator).
      if (this.#extras.length > 0) {
        await this.#serveExtras();
        continue;
      }
      this.#signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(this.#signal!.reason as Error);
        this.#signal?.addEventListener("abort", onAbort, { once: true });
        this.#wake = () => {
          this.#signal?.removeEventListener("abort", onAbort);
          this.#wake = undefined;
          resolve();
        };
      });
    }
  }
}

function keyOf(step: Serve): string {
  return `${step.stage}:${step.query}:${step.model}`;
}
