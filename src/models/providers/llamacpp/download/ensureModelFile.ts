import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { OnTransferProgress } from "../../../progress.js";
import { downloadFile, type DownloadManifest } from "./downloadFile.js";
import { cachePathFor, modelCacheDir } from "./modelCacheDir.js";
import { parseHfUri, type HfSource } from "./parseHfUri.js";
import { withDownloadLock, type DownloadLockHolder } from "./withDownloadLock.js";
import type { Environment } from "../../../../util/environment.js";

/** Options of {@link ensureModelFile}. */
export interface EnsureModelFileOptions {
  /** An `hf:` URI or an already parsed source. */
  source: string | HfSource;
  /** Defaults to {@link modelCacheDir}. */
  cacheDir?: string;
  onProgress?: OnTransferProgress;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Hub address for a string source (defaults to `HF_ENDPOINT`, then huggingface.co). */
  endpoint?: string;
  retries?: number;
  retryDelayMs?: number;
  /** Read for `HF_TOKEN` and `HF_ENDPOINT`. Default `process.env`. */
  env?: Environment;
}

/**
 * The absolute path of a model file in the cache, downloading it on first use. A cached file whose
 * manifest matches its size is returned without touching the network; so is a file the user put at the
 * cache path by hand (no manifest), which is how the "download it yourself" advice in errors works.
 *
 * @example
 * const modelPath = await ensureModelFile({
 *   source: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf",
 *   onProgress: (p) => console.log(p.label, p.completedBytes, p.totalBytes),
 * });
 */
export async function ensureModelFile({
  source,
  cacheDir,
  onProgress,
  signal,
  fetch,
  endpoint,
  retries,
  retryDelayMs,
  env = process.env,
}: EnsureModelFileOptions): Promise<string> {
  const parsed = typeof source === "string" ? parseHfUri(source, { env, ...(endpoint !== undefined ? { endpoint } : {}) }) : source;
  const destination = cachePathFor(parsed, { cacheDir: cacheDir ?? modelCacheDir({ env }) });
  const label = path.basename(parsed.file);
  const cachedSize = await cachedFileSize(destination, parsed.sha256);
  if (cachedSize !== undefined) {
    onProgress?.({ id: destination, label, completedBytes: cachedSize, totalBytes: cachedSize, phase: "cached", done: true });
    return destination;
  }
  const lockOptions = {
    ...(signal ? { signal } : {}),
    onWait: ({ pid, host }: DownloadLockHolder, lock: string) =>
      onProgress?.({
        id: destination,
        label,
        completedBytes: 0,
        phase: `waiting for another moa process downloading it (pid ${pid}${host ? ` on ${host}` : ""}, lock ${lock})`,
      }),
    onTakeOver: (reason: string) =>
      onProgress?.({ id: destination, label, completedBytes: 0, phase: `taking over a stale download lock: ${reason}` }),
  };
  return withDownloadLock(destination, lockOptions, async () => {
    // The other process may have finished it while this one waited.
    const finished = await cachedFileSize(destination, parsed.sha256);
    if (finished !== undefined) {
      onProgress?.({
        id: destination,
        label,
        completedBytes: finished,
        totalBytes: finished,
        phase: "downloaded by another process",
        done: true,
      });
      return destination;
    }
    const result = await downloadFile({
      url: parsed.url,
      destination,
      label,
      env,
      ...(parsed.sha256 ? { sha256: parsed.sha256 } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
      ...(fetch ? { fetch } : {}),
      ...(retries !== undefined ? { retries } : {}),
      ...(retryDelayMs !== undefined ? { retryDelayMs } : {}),
    });
    return result.path;
  });
}

/**
 * The size of a usable cached file (its manifest matches, or it was put there by hand), or undefined
 * when it must be downloaded.
 *
 * @example
 * if ((await cachedFileSize(destination, undefined)) === undefined) console.log("to download");
 */
export async function cachedFileSize(destination: string, pinnedSha256: string | undefined): Promise<number | undefined> {
  const size = await stat(destination).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined,
  );
  if (size === undefined) return undefined;
  const manifest = await readManifest(`${destination}.json`);
  if (manifest === "missing") return size;
  if (manifest === "unreadable" || manifest.size !== size) return undefined;
  // A pin added or changed after the download is honoured by fetching again.
  return !pinnedSha256 || manifest.sha256 === pinnedSha256 ? size : undefined;
}

/**
 * Reads a download manifest; `"missing"` when there is none, `"unreadable"` when it is not one.
 *
 * @example
 * const manifest = await readManifest("/tmp/models/a/b/main/m.gguf.json");
 * if (typeof manifest === "object") console.log(manifest.verified, manifest.sha256);
 */
export async function readManifest(file: string): Promise<DownloadManifest | "missing" | "unreadable"> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return "missing";
  }
  try {
    const value = JSON.parse(text) as Partial<DownloadManifest> | null;
    if (value && typeof value.size === "number" && typeof value.sha256 === "string" && typeof value.url === "string")
      return value as DownloadManifest;
  } catch {
    /* fall through */
  }
  return "unreadable";
}
