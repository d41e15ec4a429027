import path from "node:path";
import { defaultDbPath } from "../persistence/dataDir.js";
import type { RunStore } from "../persistence/RunStore.js";
import type { Environment } from "../util/environment.js";

/**
 * The `moa resume` command line that finishes a thread of `store`, to be pasted as is: the id quoted for a
 * shell, `--db <file>` when the thread is not in the database `moa resume` opens by default, and
 * `--checkpointer <same>` for PostgreSQL (the connection string holds a password, so it is not repeated).
 *
 * @example
 * resumeCommandFor({ threadId: "rome 2", store }); // "moa resume 'rome 2' --db /tmp/runs.sqlite"
 */
export function resumeCommandFor({
  threadId,
  store,
  env = process.env,
}: {
  threadId: string;
  store: Pick<RunStore, "location">;
  env?: Environment;
}): string {
  return `moa resume ${quoteShellArg(threadId)}${databaseArgs({ store, env })}`;
}

/**
 * What follows the thread id in {@link resumeCommandFor}'s command: `""`, ` --db <file>` or
 * ` --checkpointer <same>`.
 *
 * @example
 * `moa resume <thread>${databaseArgs({ store })}`;
 */
export function databaseArgs({ store, env = process.env }: { store: Pick<RunStore, "location">; env?: Environment }): string {
  const { location } = store;
  if (location.kind === "postgres") return " --checkpointer <same>";
  const file = path.resolve(location.file);
  return file === path.resolve(env.MOA_DB || defaultDbPath(env)) ? "" : ` --db ${quoteShellArg(file)}`;
}

/** `text` as one shell word: as it is when nothing in it is special, else in single quotes. */
export function quoteShellArg(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
