import { ConfigError } from "../errors/ConfigError.js";
import { redactCredentials } from "../util/redactCredentials.js";
import { defaultDbPath } from "./dataDir.js";
import { RunStoreError } from "./RunStoreError.js";
import { openPostgresRunStore } from "./postgresRunStore.js";
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
    if (!/^postgres(ql)?:\/\//i.test(target)) {
      throw new ConfigError([
        {
          path: "--checkpointer",
          message: `expected a postgres:// or postgresql:// connection string, got "${redactCredentials(target)}"`,
        },
      ]);
    }
    try {
      return await openPostgresRunStore(target, { readOnly });
    } catch (error) {
      // A connection that never came up was tried again already (see reconnecting): say what the driver said.
      const unreachable = error instanceof RunStoreError && error.cause !== undefined;
      const reason = reasonOf(unreachable ? error.cause : error);
      if (unreachable || isUnreachable(error))
        throw new RunStoreError(`cannot reach the PostgreSQL server of ${redactCredentials(target)} (${reason})`, {
          code: "database_unreachable",
          fix: "start the server (or check its host and port in --checkpointer / MOA_CHECKPOINTER), or run with --no-persist",
          cause: error,
        });
      throw new RunStoreError(`cannot open PostgreSQL at ${redactCredentials(target)} (${reason})`, {
        fix: "check the connection string of --checkpointer / MOA_CHECKPOINTER (user, password, database) and the role's rights",
        cause: error,
      });
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

// A host name that does not resolve or a server that does not answer in time: nothing was reached.
function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (typeof code === "string" && ["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"].includes(code)) ||
    (error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message))
  );
}

// The driver may quote the connection string it was given, password and all.
function reasonOf(error: unknown): string {
  return redactCredentials(error instanceof Error ? error.message : String(error));
}
