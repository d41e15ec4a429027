import { getMaxListeners, setMaxListeners } from "node:events";

const ONCE = { once: true } as const;

/** What {@link callDeadline} returns. */
export interface CallDeadline {
  signal: AbortSignal;
  /** Whether the timeout (not the parent) fired. */
  timedOut(): boolean;
  /**
   * Settles with `call`, or rejects with the abort reason as soon as the deadline's signal fires,
   * whichever comes first (see {@link raceAbort} for why); cheaper than `raceAbort` on this signal.
   */
  race<T>(call: Promise<T>): Promise<T>;
  /** Stops the timer and detaches from the parent; call when the call settles. */
  clear(): void;
}

/**
 * One signal for "the run was cancelled, this call was stopped, or it took too long" (any parent
 * signal aborts it). A plain timer and controller cost far less per call than `AbortSignal.timeout` +
 * `AbortSignal.any`, which matters when a graph makes many fast calls.
 *
 * @example
 * const deadline = callDeadline(5_000, config.signal);
 * try { await deadline.race(model.invoke(messages, { signal: deadline.signal })); } finally { deadline.clear(); }
 */
export function callDeadline(timeoutMs: number, ...parents: Array<AbortSignal | undefined>): CallDeadline {
  const controller = new AbortController();
  let timedOut = false;
  // Rejected when the deadline aborts; created on first use of race().
  let aborted: Promise<never> | undefined;
  let rejectAborted: ((reason: unknown) => void) | undefined;
  const abort = (reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    rejectAborted?.(reason);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);
  const detach: Array<() => void> = [];
  for (const parent of parents) {
    if (!parent) continue;
    widen(parent);
    const onAbort = () => abort(parent.reason);
    if (parent.aborted) onAbort();
    else {
      parent.addEventListener("abort", onAbort, ONCE);
      detach.push(() => parent.removeEventListener("abort", onAbort));
    }
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    // Promise.race subscribes to both promises, so the loser's later rejection is handled.
    race: <T>(call: Promise<T>): Promise<T> => {
      if (controller.signal.aborted) {
        call.catch(() => undefined);
        return Promise.reject(controller.signal.reason);
      }
      // Rejected the moment the deadline aborts, so a client that then resolves with partial text
      // (ChatOllama aborted mid-stream) always loses the race.
      aborted ??= new Promise<never>((_, reject) => (rejectAborted = reject));
      return Promise.race([call, aborted]);
    },
    clear: () => {
      clearTimeout(timer);
      for (const off of detach) off();
    },
  };
}

// A wide layer adds one listener per agent to the run's signal; that is by design, not a leak.
// Raised once per signal: a run makes many calls on one signal.
const widened = new WeakSet<AbortSignal>();
function widen(signal: AbortSignal): void {
  if (widened.has(signal)) return;
  setMaxListeners(Math.max(getMaxListeners(signal), 64), signal);
  widened.add(signal);
}

/**
 * Settles when the call does or when the signal fires, whichever is first. Some clients only check
 * their signal between stream chunks (ChatOllama with a server that stops answering), and some
 * resolve with partial text when aborted mid-stream; neither may hold up or leak into the layer.
 *
 * @example
 * const message = await raceAbort(model.invoke(messages, { signal }), signal);
 */
export async function raceAbort<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  // The losing call may still reject later; that rejection is expected and must not go unhandled.
  call.catch(() => undefined);
  try {
    const result = await Promise.race([call, aborted]);
    if (signal.aborted) throw signal.reason ?? new DOMException("aborted", "AbortError");
    return result;
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
