import { existsSync } from "node:fs";
import { openRunStore } from "../../persistence/openRunStore.js";
import { threadNotFound } from "../threadNotFound.js";
import { ThreadBusyError } from "../../persistence/ThreadBusyError.js";
import { withRunStore, type PersistenceOptions } from "../withRunStore.js";

/** Options of `moa threads rm`. */
export interface ThreadsRemoveCommandOptions extends Omit<PersistenceOptions, "persist"> {
  thread: string;
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa threads rm <thread>`: deletes a thread (checkpoints, writes, record, lock, the large values only it used).
 * The exact id is the confirmation, so nothing is asked; a thread a run holds right now is refused (exit 3),
 * and an unknown id is a usage error (exit 2).
 *
 * @example
 * await threadsRemoveCommand({ thread: "3f2a..." });
 */
export async function threadsRemoveCommand({ thread, stdout = process.stdout, ...options }: ThreadsRemoveCommandOptions): Promise<void> {
  // A database file that does not exist holds no thread; opening it to write would create it as a side effect.
  const looked = await openRunStore({ ...options, readOnly: true });
  await looked.close();
  if (looked.location.kind === "sqlite" && !existsSync(looked.location.file)) throw threadNotFound({ thread, store: looked });
  await withRunStore({ ...options, persist: true }, async (store) => {
    if (!store) return;
    const known = await store.getThread(thread);
    // The lock keeps a run from starting on the thread while it is deleted; a run holding it now is not waited for.
    const lock = await store.lockThread(thread, { waitMs: 0 }).catch((error: unknown) => {
      if (error instanceof ThreadBusyError && error.code === "thread_busy")
        throw new ThreadBusyError(`thread "${thread}" is in use by a run right now; wait for it to end (or stop it), then remove it`, {
          threadId: thread,
          code: "thread_busy",
        });
      throw error;
    });
    try {
      const deleted = await store.deleteThread(thread);
      if (!deleted && !known) throw threadNotFound({ thread, store: store });
    } finally {
      await lock.release();
    }
    stdout.write(`removed thread ${thread} from ${store.description}\n`);
  });
}
