import { MoAError } from "../errors/MoAError.js";

/**
 * Two runs must never write one thread at once (its history would fork and a turn would be lost). This error
 * says one was kept out: another run held the thread past the wait (`thread_busy`), or this run lost the
 * thread's lock while it ran and stopped writing (`thread_lock_lost`). Transient, so the CLI exits 3 like
 * other environment errors.
 *
 * @example
 * throw ThreadBusyError.busy({ threadId: "t1", holder: "pid 4242 on host build-1", waitedMs: 10_000 });
 */
export class ThreadBusyError extends MoAError {
  readonly threadId: string;

  constructor(message: string, { threadId, code }: { threadId: string; code: "thread_busy" | "thread_lock_lost" }) {
    super(message, { code, category: "environment" });
    this.name = "ThreadBusyError";
    this.threadId = threadId;
  }

  /** Another run holds the thread and did not finish within the wait. */
  static busy({ threadId, holder, waitedMs }: { threadId: string; holder: string; waitedMs: number }): ThreadBusyError {
    return new ThreadBusyError(
      `thread "${threadId}" is in use by another run (${holder}); waited ${Math.round(waitedMs / 1000)} s for it to finish. ` +
        "Wait for that run to end (or stop it), then run again; MOA_THREAD_WAIT sets how many seconds to wait",
      { threadId, code: "thread_busy" },
    );
  }

  /** This run held the thread and lost its lock, so it stopped before another run could write beside it. */
  static lost({ threadId, why }: { threadId: string; why: string }): ThreadBusyError {
    return new ThreadBusyError(
      `lost the lock of thread "${threadId}" during the run (${why}), so the run stopped before another run could write to the thread too`,
      { threadId, code: "thread_lock_lost" },
    );
  }
}
