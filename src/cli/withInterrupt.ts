import { outputClosedSignal } from "./closedOutput.js";

/**
 * Runs `body` with a signal that Ctrl-C (SIGINT) aborts, so a command can cancel its in-flight work
 * and exit cleanly (130) instead of being killed mid-write. A closed output (the reader of a pipe
 * exited) aborts it the same way: nobody reads the answer any more, and the run stays resumable.
 * The handlers are removed afterwards.
 *
 * @example
 * await withInterrupt((signal) => runCommand({ question, signal }));
 */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  const closed = outputClosedSignal();
  const onClosed = () => interrupt.abort(closed.reason);
  process.once("SIGINT", onSigint);
  if (closed.aborted) onClosed();
  else closed.addEventListener("abort", onClosed, { once: true });
  try {
    return await body(interrupt.signal);
  } finally {
    process.removeListener("SIGINT", onSigint);
    closed.removeEventListener("abort", onClosed);
  }
}
