import { getMaxListeners, setMaxListeners } from "node:events";

/** What {@link callDeadline} returns. */
export interface CallDeadline {
  signal: AbortSignal;
  /** Whether the timeout (not the parent) fired. */
  timedOut(): boolean;
  /** Stops the timer and detaches from the parent; call when the call settles. */
  clear(): void;
}

/**
 * One signal for "the run was cancelled, this call was stopped, or it took too long" (any parent
 * signal aborts it). A plain timer and controller
 * cost far less per call than `AbortSignal.timeout` + `AbortSignal.any`, which matters when a graph
 * makes many fast calls.
 *
 * @example
 * const deadline = callDeadline(5_000, config.signal);
 * try { await model.invoke(messages, { signal: deadline.signal }); } finally { deadline.clear(); }
 */
export function callDeadline(timeoutMs: number, ...parents: Array<AbortSignal | undefined>): CallDeadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);
  const detach: Array<() => void> = [];
  // A wide layer adds one listener per agent to the run's signal; that is by design, not a leak.
  for (const parent of parents) if (parent) setMaxListeners(Math.max(getMaxListeners(parent), 64), parent);
  for (const parent of parents) {
    if (!parent) continue;
    const onAbort = () => controller.abort(parent.reason);
    if (parent.aborted) onAbort();
    else {
      parent.addEventListener("abort", onAbort, { once: true });
      detach.push(() => parent.removeEventListener("abort", onAbort));
    }
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      for (const off of detach) off();
    },
  };
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
