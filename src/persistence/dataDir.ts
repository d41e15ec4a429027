import os from "node:os";
import path from "node:path";
import type { Environment } from "../util/environment.js";

/**
 * The per-user folder where the CLI keeps its run database: `MOA_HOME`, else the platform's data
 * folder (`$XDG_DATA_HOME` or `~/.local/share` on Linux, `~/Library/Application Support` on macOS,
 * `%APPDATA%` on Windows) under `langgraph-moa`.
 *
 * @example
 * path.join(dataDir(), "runs.sqlite"); // ~/.local/share/langgraph-moa/runs.sqlite
 */
export function dataDir(env: Environment = process.env, platform: string = process.platform): string {
  if (env.MOA_HOME) return path.resolve(env.MOA_HOME);
  const home = os.homedir();
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "langgraph-moa");
  if (platform === "win32") return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "langgraph-moa");
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "langgraph-moa");
}

/** The default SQLite database of the CLI. */
export function defaultDbPath(env: Environment = process.env): string {
  return path.join(dataDir(env), "runs.sqlite");
}
