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
  // \`on\`, not \`once\`: a library's own SIGINT listener (node-llama-cpp's lock files) re-raises the signal as soon
  // as it is the only listener left, which would kill the process before the command could stop cleanly. A second
  // Ctrl-C still ends the process at once.
  const onSigint = () => {
    if (!interrupt.signal.aborted) return interrupt.abort();
    process.removeListener("SIGINT", onSigint);
    process.kill(process.pid, "SIGINT");
  };
  const closed = outputClosedSignal();
  const onClosed = () => interrupt.abort(closed.reason);
  process.on("SIGINT", onSigint);
  if (closed.aborted) onClosed();
  else closed.addEventListener("abort", onClosed, { once: true });
  try {
    return await body(interrupt.signal);
  } finally {
    process.removeListener("SIGINT", onSigint);
    closed.removeEventListener("abort", onClosed);
  }
}
