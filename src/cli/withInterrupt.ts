/**
 * Runs `body` with a signal that Ctrl-C (SIGINT) aborts, so a command can cancel its in-flight work
 * and exit cleanly (130) instead of being killed mid-write. The handler is removed afterwards.
 *
 * @example
 * await withInterrupt((signal) => runCommand({ question, signal }));
 */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once("SIGINT", onSigint);
  try {
    return await body(interrupt.signal);
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
