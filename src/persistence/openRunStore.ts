import { ConfigError } from "../errors/ConfigError.js";
import { defaultDbPath } from "./dataDir.js";
import { openPostgresRunStore } from "./postgresRunStore.js";
import type { RunStore } from "./RunStore.js";
import { openSqliteRunStore } from "./sqliteRunStore.js";

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
  env = process.env,
}: { db?: string; checkpointer?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunStore> {
  const target = checkpointer ?? env.MOA_CHECKPOINTER;
  if (target !== undefined && target !== "") {
    if (!/^postgres(ql)?:\/\//i.test(target)) {
      throw new ConfigError([
        { path: "--checkpointer", message: `expected a postgres:// or postgresql:// connection string, got "${target}"` },
      ]);
    }
    try {
      return await openPostgresRunStore(target);
    } catch (error) {
      throw new ConfigError([
        { path: "--checkpointer", message: `cannot open PostgreSQL (${error instanceof Error ? error.message : String(error)})` },
      ]);
    }
  }
  const file = db ?? (env.MOA_DB || defaultDbPath(env));
  try {
    return openSqliteRunStore(file);
  } catch (error) {
    throw new ConfigError([
      { path: "--db", message: `cannot open the run database ${file} (${error instanceof Error ? error.message : String(error)})` },
    ]);
  }
}
