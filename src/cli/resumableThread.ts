// Errors are thrown far from where the thread is known; this remembers, per error, the thread that a
// `moa resume` can finish, so a report (the --json failure document) can name it without parsing messages.
const threads = new WeakMap<object, ResumableThread>();

/** A thread whose unfinished turn `moa resume` can finish, and the command that does it. */
export interface ResumableThread {
  id: string;
  /** The command line that finishes it, e.g. `moa resume 3f2a...`. */
  resume: string;
}

/**
 * Notes that the run which failed with `error` left `thread` resumable.
 *
 * @example
 * markResumable({ error, thread: { id: threadId, resume: `moa resume ${threadId}` } });
 */
export function markResumable({ error, thread }: { error: unknown; thread: ResumableThread }): void {
  if (typeof error === "object" && error !== null) threads.set(error, thread);
}

/** The thread a failed run left resumable, if any. */
export function resumableThreadOf(error: unknown): ResumableThread | undefined {
  return typeof error === "object" && error !== null ? threads.get(error) : undefined;
}
