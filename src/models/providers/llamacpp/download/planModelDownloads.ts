import { describeProbeFailure } from "../../../describeError.js";
import { ModelsNotReadyError } from "../../../ModelsNotReadyError.js";
import { cachedFileSize } from "./ensureModelFile.js";
import { cachePathFor, modelCacheDir } from "./modelCacheDir.js";
import { parseHfUri } from "./parseHfUri.js";

/** A model file that is not in the cache yet. */
export interface PlannedDownload {
  /** The `hf:` URI it was named by. */
  source: string;
  url: string;
  /** Where it goes in the model cache (and where a copy made by hand must be put). */
  destination: string;
  /** From the server's headers; absent when it does not say. */
  sizeBytes?: number;
}

/** Options of {@link planModelDownloads}. */
export interface PlanModelDownloadsOptions {
  /** `hf:` URIs; repeats count once. */
  sources: readonly string[];
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** How long each size request may take; the requests run at once. Default 10 s. */
  timeoutMs?: number;
}

/**
 * The model files of `sources` that must be downloaded, each with its URL, its place in the model
 * cache and its size (one `HEAD` request each, or a one-byte ranged `GET` where HEAD is not served).
 * Cached files cost no request. When the server cannot be reached at all, one error lists every file
 * and where to put it, so the user can copy them in by hand; a file the server refuses (a gated
 * repository, a wrong name) is an error naming it, before any byte is downloaded.
 *
 * @example
 * const missing = await planModelDownloads({ sources: ["hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf"] });
 * for (const file of missing) console.log(file.url, file.destination, file.sizeBytes);
 */
export async function planModelDownloads({
  sources,
  env = process.env,
  fetch: fetchImpl = globalThis.fetch,
  timeoutMs = 10_000,
}: PlanModelDownloadsOptions): Promise<PlannedDownload[]> {
  const cacheDir = modelCacheDir({ env });
  const missing: PlannedDownload[] = [];
  const pins = new Map<string, string | undefined>();
  for (const source of new Set(sources)) {
    const parsed = parseHfUri(source, { env });
    const destination = cachePathFor(parsed, { cacheDir });
    if (pins.has(destination)) continue;
    pins.set(destination, parsed.sha256);
    if ((await cachedFileSize(destination, parsed.sha256)) === undefined) missing.push({ source, url: parsed.url, destination });
  }
  if (missing.length === 0) return [];
  const token = env.HF_TOKEN?.trim();
  const headers: Record<string, string> = { "accept-encoding": "identity", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const sizes = await Promise.all(missing.map((file) => sizeOf(file.url, { headers, fetchImpl, timeoutMs })));
  const unreachable = sizes.find((size): size is { unreachable: string } => "unreachable" in size);
  if (unreachable) throw offlineError(missing, cacheDir, unreachable.unreachable);
  const refused = missing.flatMap((file, index) => {
    const size = sizes[index]!;
    return "refused" in size ? [`  ${file.url}: ${size.refused}`] : [];
  });
  if (refused.length > 0)
    throw new ModelsNotReadyError(["the model server refused these files (nothing was downloaded):", ...refused].join("\n"), {
      code: "model_download_refused",
    });
  return missing.map((file, index) => {
    const size = sizes[index]!;
    return "bytes" in size && size.bytes !== undefined ? { ...file, sizeBytes: size.bytes } : file;
  });
}

/**
 * The files of a plan for the user to read before saying yes: a summary (count and total size) and
 * one URL and destination per file, with its size.
 *
 * @example
 * const { summary, lines } = describeDownloads(plan, formatBytes);
 * console.error(summary); // "2 model files, 1.4 GB in all"
 */
export function describeDownloads(
  files: readonly PlannedDownload[],
  formatSize: (bytes: number) => string,
): { summary: string; lines: string[] } {
  const known = files.flatMap((f) => (f.sizeBytes !== undefined ? [f.sizeBytes] : []));
  const total = known.reduce((sum, n) => sum + n, 0);
  const unknown = files.length - known.length;
  const count = `${files.length} model file${files.length > 1 ? "s" : ""}`;
  const summary =
    known.length === 0
      ? `${count} of unknown size`
      : `${count}, ${formatSize(total)}${unknown > 0 ? ` plus ${unknown} of unknown size` : " in all"}`;
  const lines = files.flatMap((f) => [
    `  ${f.url} (${f.sizeBytes !== undefined ? formatSize(f.sizeBytes) : "size unknown"})`,
    `    -> ${f.destination}`,
  ]);
  return { summary, lines };
}

type SizeAnswer = { bytes: number | undefined } | { refused: string } | { unreachable: string };

async function sizeOf(
  url: string,
  { headers, fetchImpl, timeoutMs }: { headers: Record<string, string>; fetchImpl: typeof fetch; timeoutMs: number },
): Promise<SizeAnswer> {
  try {
    // Not followed: Hugging Face puts the file's size (X-Linked-Size) on its redirect to the CDN.
    const head = await fetchImpl(url, { method: "HEAD", headers, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await head.body?.cancel().catch(() => undefined);
    if (head.status !== 405 && head.status !== 501) {
      if (head.status >= 400) return { refused: refusal(head.status, Boolean(headers.authorization)) };
      const linked = parseSize(head.headers.get("x-linked-size"));
      return { bytes: linked ?? (head.status < 300 ? parseSize(head.headers.get("content-length")) : undefined) };
    }
    // A server without HEAD still tells the size: in the Content-Range of a one-byte range, or, when it
    // ignores ranges, in the Content-Length of a body that is not read.
    const ranged = await fetchImpl(url, { headers: { ...headers, range: "bytes=0-0" }, signal: AbortSignal.timeout(timeoutMs) });
    await ranged.body?.cancel().catch(() => undefined);
    if (ranged.status >= 400) return { refused: refusal(ranged.status, Boolean(headers.authorization)) };
    if (ranged.status === 206) return { bytes: parseSize(/\/(\d+)\s*$/.exec(ranged.headers.get("content-range") ?? "")?.[1] ?? null) };
    return { bytes: parseSize(ranged.headers.get("content-length")) };
  } catch (error) {
    return { unreachable: describeProbeFailure(error, timeoutMs) };
  }
}

function refusal(status: number, tokenSent: boolean): string {
  if (status === 401 || status === 403)
    return `HTTP ${status} (the repository may be gated or private: ${tokenSent ? "check that the HF_TOKEN's account accepted its terms" : "accept its terms on the Hugging Face website and set HF_TOKEN"})`;
  if (status === 404) return "HTTP 404 (check the owner, repo, revision and file name)";
  return `HTTP ${status}`;
}

function offlineError(files: readonly PlannedDownload[], cacheDir: string, reason: string): ModelsNotReadyError {
  const hosts = [...new Set(files.map((f) => new URL(f.url).origin))].join(", ");
  const count = `${files.length} model file${files.length > 1 ? "s" : ""}`;
  return new ModelsNotReadyError(
    [
      `cannot reach ${hosts} to download ${count} (${reason}).`,
      `Without internet, download ${files.length > 1 ? "each" : "it"} elsewhere and put it at the path shown (the model cache ${cacheDir}; MOA_MODELS_DIR sets another), then run again:`,
      ...files.flatMap((f) => [`  ${f.url}`, `    -> ${f.destination}`]),
      'Or name GGUF files you already have in a topology file (model: "llamacpp:/path/to/file.gguf").',
    ].join("\n"),
    { code: "models_offline" },
  );
}

function parseSize(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}
