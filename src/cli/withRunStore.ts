import { openRunStore } from "../persistence/openRunStore.js";
import type { RunStore } from "../persistence/RunStore.js";

/** Where and whether runs persist. */
export interface PersistenceOptions {
  /** SQLite file (default: the per-user data folder); ignored with `checkpointer`. */
  db?: string | undefined;
  /** `postgres://...` connection string. */
  checkpointer?: string | undefined;
  /** False keeps the run in memory only. */
  persist?: boolean | undefined;
}

/**
 * Opens the run store the options name (none with `persist: false`), runs `body`, and closes it.
 *
 * @example
 * await withRunStore({ db: "runs.sqlite" }, async (store) => console.log(await store?.listThreads()));
 */
export async function withRunStore<T>(options: PersistenceOptions, body: (store: RunStore | undefined) => Promise<T>): Promise<T> {
  const store =
    options.persist === false
      ? undefined
      : await openRunStore({
          ...(options.db !== undefined ? { db: options.db } : {}),
          ...(options.checkpointer !== undefined ? { checkpointer: options.checkpointer } : {}),
        });
  try {
    return await body(store);
  } finally {
    await store?.close();
  }
}
