import { redactCredentials } from "../util/redactCredentials.js";
import { defaultDbPath } from "./dataDir.js";
import { RunStoreError } from "./RunStoreError.js";
import { openPostgresRunStore } from "./postgresRunStore.js";
import { postgresOpenFailure } from "./postgresOpenFailure.js";
import { checkPostgresTarget } from "./postgresTarget.js";
import type { RunStore } from "./RunStore.js";
import { openSqliteRunStore } from "./sqliteRunStore.js";
import type { Environment } from "../util/environment.js";

/**
 * Opens where CLI runs persist: `--checkpointer postgres://...` (or `MOA_CHECKPOINTER`) for
 * PostgreSQL, else the SQLite file `--db` (or `MOA_DB`, default in the per-user data folder).
 *
 * @example
 * const store = await openRunStore({ db: "runs.sqlite" });
 */
export async function openRunStore({
  db,
  checkpointer,
  readOnly = false,
  env = process.env,
}: {
  db?: string;
  checkpointer?: string;
  /** For commands that only look (`moa threads`, `moa show`): nothing is created or written. */
  readOnly?: boolean;
  env?: Environment;
} = {}): Promise<RunStore> {
  const target = checkpointer ?? env.MOA_CHECKPOINTER;
  if (target !== undefined && target !== "") {
    checkPostgresTarget(target, checkpointer !== undefined ? "--checkpointer" : "MOA_CHECKPOINTER");
    try {
      return await openPostgresRunStore(target, { readOnly });
    } catch (error) {
      // A connection that never came up was tried again already (see reconnecting): say what the driver said.
      throw postgresOpenFailure(error, target);
    }
  }
  const file = db ?? (env.MOA_DB || defaultDbPath(env));
  try {
    return openSqliteRunStore(file, { readOnly });
  } catch (error) {
    throw new RunStoreError(`cannot open the run database ${file} (${reasonOf(error)})`, {
      fix: "choose a file you can write with --db or MOA_DB, or run with --no-persist",
      cause: error,
    });
  }
}

// The driver may quote the connection string it was given, password and all.
function reasonOf(error: unknown): string {
  return redactCredentials(error instanceof Error ? error.message : String(error));
}
