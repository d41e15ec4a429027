import { UsageError } from "../errors/UsageError.js";
import type { RunStore } from "../persistence/RunStore.js";

const DEFAULT_WAIT_SECONDS = 10;

/**
 * Runs `body` holding the thread's write lock (see RunStore.lockThread), so a second `moa run` or
 * `moa resume` on the same thread waits for the first instead of forking its history. `body` gets a signal
 * that aborts on the caller's signal (Ctrl-C) and when the lock is lost, with ThreadBusyError as its reason.
 * Without a store (`--no-persist`) there is nothing to share and nothing to lock.
 *
 * @example
 * await withThreadLock({ store, threadId, stderr, signal }, (runSignal) => streamRun({ ...options, signal: runSignal }));
 */
export async function withThreadLock<T>(
  {
    store,
    threadId,
    stderr,
    signal,
    env = process.env,
  }: {
    store: RunStore | undefined;
    threadId: string;
    stderr: NodeJS.WritableStream;
    signal?: AbortSignal | undefined;
    env?: NodeJS.ProcessEnv;
  },
  body: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!store) return body(signal);
  const lock = await store.lockThread(threadId, {
    waitMs: threadWaitSeconds(env) * 1000,
    signal,
    onWait: (holder) => stderr.write(`waiting for another run on thread ${threadId} to finish (${holder})\n`),
  });
  try {
    return await body(signal ? AbortSignal.any([signal, lock.lost]) : lock.lost);
  } finally {
    await lock.release();
  }
}

/** `MOA_THREAD_WAIT`: seconds to wait for a thread another run holds (0 refuses at once). */
function threadWaitSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env.MOA_THREAD_WAIT;
  if (raw === undefined || raw.trim() === "") return DEFAULT_WAIT_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new UsageError(`MOA_THREAD_WAIT must be a number of seconds (0 or more), got "${raw.slice(0, 40)}"`, {
      code: "invalid_environment",
    });
  return seconds;
}
