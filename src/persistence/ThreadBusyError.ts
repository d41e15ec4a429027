import { MoAError } from "../errors/MoAError.js";

/**
 * Another run is writing to the thread and did not finish within the wait: two runs writing one thread at
 * once would fork its history and lose a turn. Transient, so the CLI exits 3 like other environment errors.
 *
 * @example
 * throw new ThreadBusyError({ threadId: "t1", holder: "pid 4242 on host build-1" });
 */
export class ThreadBusyError extends MoAError {
  readonly threadId: string;

  constructor({ threadId, holder, waitedMs }: { threadId: string; holder: string; waitedMs: number }) {
    super(
      `thread "${threadId}" is in use by another run (${holder}); waited ${Math.round(waitedMs / 1000)} s for it to finish. ` +
        "Wait for that run to end (or stop it), then run again; MOA_THREAD_WAIT sets how many seconds to wait",
      { code: "thread_busy", category: "environment" },
    );
    this.name = "ThreadBusyError";
    this.threadId = threadId;
  }
}
