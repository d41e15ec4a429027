import os from "node:os";
import path from "node:path";
import { ModelSourceError, type HfSource } from "./parseHfUri.js";
import type { Environment } from "../../../../util/environment.js";

/** Options of {@link modelCacheDir}; the defaults describe this machine. */
export interface ModelCacheDirOptions {
  env?: Environment;
  platform?: string;
  homeDir?: string;
}

const APP = "langgraph-moa";

/**
 * Where downloaded models live: `MOA_MODELS_DIR` if set, else `$XDG_CACHE_HOME/langgraph-moa/models`,
 * else the platform's user cache folder (`~/.cache`, `~/Library/Caches`, `%LOCALAPPDATA%\…\Cache`).
 *
 * @example
 * modelCacheDir({ env: {}, platform: "linux", homeDir: "/home/ada" }); // "/home/ada/.cache/langgraph-moa/models"
 * modelCacheDir({ env: { LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" }, platform: "win32" });
 * // "C:\\Users\\ada\\AppData\\Local\\langgraph-moa\\Cache\\models"
 */
export function modelCacheDir({ env = process.env, platform = process.platform, homeDir }: ModelCacheDirOptions = {}): string {
  const p = platform === "win32" ? path.win32 : path.posix;
  if (env.MOA_MODELS_DIR) return p.resolve(env.MOA_MODELS_DIR);
  return p.join(appCacheDir({ env, platform, ...(homeDir ? { homeDir } : {}) }), "models");
}

/**
 * This package's folder in the user's cache, which models, datasets and stored eval answers live in:
 * `$XDG_CACHE_HOME/langgraph-moa`, else the platform's user cache folder (`~/.cache/langgraph-moa`,
 * `~/Library/Caches/langgraph-moa`, `%LOCALAPPDATA%\langgraph-moa\Cache`).
 *
 * @example
 * appCacheDir({ env: {}, platform: "linux", homeDir: "/home/ada" }); // "/home/ada/.cache/langgraph-moa"
 */
export function appCacheDir({ env = process.env, platform = process.platform, homeDir }: ModelCacheDirOptions = {}): string {
  // Pick path rules by the target platform, not the host, so every branch is testable anywhere.
  const p = platform === "win32" ? path.win32 : path.posix;
  // The XDG spec says relative values are invalid and must be ignored.
  if (env.XDG_CACHE_HOME && p.isAbsolute(env.XDG_CACHE_HOME)) return p.join(env.XDG_CACHE_HOME, APP);
  const home = homeDir ?? os.homedir();
  if (platform === "win32") return p.join(env.LOCALAPPDATA || p.join(home, "AppData", "Local"), APP, "Cache");
  if (platform === "darwin") return p.join(home, "Library", "Caches", APP);
  return p.join(home, ".cache", APP);
}

/**
 * The cache path of a source: `<cacheDir>/<owner>/<repo>/<revision>/<file>`. Characters that are not
 * safe in file names become `_`; an empty, `.` or `..` segment is refused so nothing lands outside.
 *
 * @example
 * cachePathFor(parseHfUri("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf"), { cacheDir: "/tmp/m" });
 * // "/tmp/m/Qwen/Qwen2.5-0.5B-Instruct-GGUF/main/qwen2.5-0.5b-instruct-q4_k_m.gguf"
 */
export function cachePathFor(
  source: Pick<HfSource, "owner" | "repo" | "revision" | "file">,
  { cacheDir = modelCacheDir() }: { cacheDir?: string } = {},
): string {
  const segments = [source.owner, source.repo, source.revision, ...source.file.split("/")];
  const safe = segments.map((segment) => {
    if (segment === "" || segment === "." || segment === "..") {
      throw new ModelSourceError(
        `refusing cache path segment "${segment}" in ${source.owner}/${source.repo}@${source.revision}/${source.file}; names must not be empty, "." or ".."`,
      );
    }
    return segment.replace(/[^A-Za-z0-9._-]/g, "_");
  });
  return path.join(path.resolve(cacheDir), ...safe);
}
