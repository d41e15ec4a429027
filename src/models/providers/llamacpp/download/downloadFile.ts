import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { sleep } from "../../../../policy/sleep.js";
import { describeError, tlsProblemOf } from "../../../describeError.js";
import type { OnTransferProgress, TransferProgress } from "../../../progress.js";
import { ConfigError } from "../../../../errors/ConfigError.js";
import { MoAError } from "../../../../errors/MoAError.js";
import { downloadStallMs } from "./downloadStallMs.js";
import { StallWatch } from "./StallWatch.js";
import { httpGet, type HttpGetInit, type HttpGetResponse } from "./httpGet.js";
import type { Environment } from "../../../../util/environment.js";

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  url: string;
  /** Final path; bytes go to `<destination>.partial` until verified. */
  destination: string;
  /** Known size in bytes; wins over what the server publishes. */
  expectedSize?: number;
  /** Pinned sha256 (hex); wins over the `X-Linked-Etag` the server publishes. */
  sha256?: string;
  /** Throttled to about 10 reports a second, plus a final `done: true` report. */
  onProgress?: OnTransferProgress;
  /** Aborting keeps the partial file so a later call resumes it. */
  signal?: AbortSignal;
  /** Replaces the built-in client (node:http / node:https), e.g. to go through a proxy or a test double. */
  fetch?: typeof fetch;
  /** Retries after transient failures (network errors, 5xx, bodies that end early). Default 3. */
  retries?: number;
  /** Base backoff; attempt n waits `n * retryDelayMs`. Default 200. */
  retryDelayMs?: number;
  /** Shown in progress reports; defaults to the destination's file name. */
  label?: string;
  /** `HF_TOKEN` is read from here and sent as a bearer token. Default `process.env`. */
  env?: Environment;
  /**
   * An attempt that receives no byte (or, before that, no response headers) for this long fails as
   * `stalled` and is retried like a dropped connection. Default: `MOA_DOWNLOAD_STALL_SECONDS` from
   * `env`, else 30 s.
   */
  stallTimeoutMs?: number;
}

/** The sidecar `<destination>.json` written after a verified download. */
export interface DownloadManifest {
  url: string;
  size: number;
  /** sha256 of the file (always computed; compared only when `verified` is `"sha256"`). */
  sha256: string;
  /** What the file was checked against: a published or pinned sha256, a known size, or nothing the source said. */
  verified: "sha256" | "size" | "none";
  /** ISO timestamp. */
  downloadedAt: string;
}

/** What {@link downloadFile} resolves with. */
export interface DownloadResult {
  path: string;
  manifest: DownloadManifest;
}

/** Why a download failed. */
export type DownloadFailure =
  "network" | "http" | "incomplete" | "stalled" | "size-mismatch" | "checksum-mismatch" | "aborted" | "filesystem";

/** Thrown for every failed download; the message names the URL, the reason and how to use a local file instead. */
export class DownloadError extends MoAError {
  readonly url: string;
  readonly reason: DownloadFailure;
  readonly status: number | undefined;
  /** Whether another attempt could succeed (the downloader retries these itself). */
  readonly transient: boolean;
  constructor(message: string, init: { url: string; reason: DownloadFailure; status?: number; transient?: boolean; cause?: unknown }) {
    super(message, { code: "download_failed", category: "environment", cause: init.cause });
    this.name = "DownloadError";
    this.url = init.url;
    this.reason = init.reason;
    this.status = init.status;
    this.transient = init.transient ?? false;
  }
}

interface Shared {
  promise: Promise<DownloadResult>;
  listeners: Set<OnTransferProgress>;
  controller: AbortController;
  waiters: number;
}

// Two callers asking for the same file (e.g. two agents on one model) share one transfer.
const inFlight = new Map<string, Shared>();

/**
 * Downloads `url` to `destination`: resumes a `.partial` file with a Range request (guarded by `If-Range`
 * with the validator the partial bytes came with, kept in `<destination>.partial.json`), retries transient
 * failures, checks the size and sha256 (pinned, or published by Hugging Face as `X-Linked-Size` /
 * `X-Linked-Etag`), then renames atomically and writes `<destination>.json`. A concurrent call for the
 * same destination joins the running transfer; the transfer stops only when every caller has aborted.
 *
 * @example
 * const { path, manifest } = await downloadFile({
 *   url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf",
 *   destination: "/tmp/models/qwen.gguf",
 *   onProgress: (p) => console.log(p.completedBytes, p.totalBytes),
 * });
 */
export function downloadFile(options: DownloadFileOptions): Promise<DownloadResult> {
  const destination = path.resolve(options.destination);
  if (options.signal?.aborted) return Promise.reject(abortedError(options.url, destination, options.signal.reason));
  let shared = inFlight.get(destination);
  if (!shared) {
    const listeners = new Set<OnTransferProgress>();
    const controller = new AbortController();
    const emit: OnTransferProgress = (progress) => {
      for (const listener of listeners) {
        // A broken progress display must not fail a transfer other callers are waiting on.
        try {
          listener(progress);
        } catch {
          /* ignored on purpose */
        }
      }
    };
    const promise = transfer({ ...options, destination }, controller.signal, emit).finally(() => inFlight.delete(destination));
    shared = { promise, listeners, controller, waiters: 0 };
    inFlight.set(destination, shared);
  }
  return join(shared, options, destination);
}

function join(shared: Shared, { onProgress, signal, url }: DownloadFileOptions, destination: string): Promise<DownloadResult> {
  shared.waiters++;
  if (onProgress) shared.listeners.add(onProgress);
  return new Promise((resolve, reject) => {
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      shared.waiters--;
      if (onProgress) shared.listeners.delete(onProgress);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      leave();
      // The last caller waits for the transfer to stop, so the partial file is closed when it rejects.
      if (shared.waiters === 0) shared.controller.abort(signal?.reason);
      else reject(abortedError(url, destination, signal?.reason));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    shared.promise.then(
      (result) => {
        leave();
        resolve(result);
      },
      (error: unknown) => {
        leave();
        reject(error);
      },
    );
  });
}

interface Transfer {
  url: string;
  destination: string;
  partial: string;
  /** Beside the partial file: the validator (`ETag` or `Last-Modified`) its bytes were sent with. */
  validatorFile: string;
  /** Read from `validatorFile` once; `null` when the partial bytes came without one. */
  validator: string | null | undefined;
  get: Get;
  headers: Record<string, string>;
  /** The callers' signal: aborting it is an interruption. */
  signal: AbortSignal;
  /** The current attempt's network requests: the callers' signal or its stall watch. */
  request: AbortSignal;
  watch: StallWatch;
  stallMs: number;
  tokenSent: boolean;
  size: number | undefined;
  sha256: string | undefined;
  probed: boolean;
  hash: Hash;
  hashedBytes: number;
  report: (progress: Omit<TransferProgress, "id" | "label">, force?: boolean) => void;
}

async function transfer(
  options: DownloadFileOptions & { destination: string },
  signal: AbortSignal,
  emit: OnTransferProgress,
): Promise<DownloadResult> {
  const { url, destination, retries = 3, retryDelayMs = 200, env = process.env } = options;
  const token = env.HF_TOKEN?.trim();
  const stallMs = options.stallTimeoutMs ?? downloadStallMs(env);
  if (!(stallMs > 0))
    throw new ConfigError([{ path: "stallTimeoutMs", message: `expected a positive number of milliseconds, got ${stallMs}` }]);
  const watch = new StallWatch(stallMs);
  const t: Transfer = {
    url,
    destination,
    partial: `${destination}.partial`,
    validatorFile: `${destination}.partial.json`,
    validator: undefined,
    // Not the global fetch by default: from Node 24 on it drops the bytes received before a cut, so there
    // would be nothing to resume.
    get: options.fetch ? viaFetch(options.fetch) : httpGet,
    // Byte counts and Range offsets only make sense on the raw bytes, so no content encoding.
    headers: { "accept-encoding": "identity", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal,
    request: signal,
    watch,
    stallMs,
    tokenSent: Boolean(token),
    size: options.expectedSize,
    sha256: options.sha256?.toLowerCase(),
    probed: false,
    hash: createHash("sha256"),
    hashedBytes: 0,
    report: createReporter(emit, destination, options.label ?? path.basename(destination)),
  };
  await mkdir(path.dirname(destination), { recursive: true }).catch((error: unknown) => {
    throw toDownloadError(error, t);
  });
  let failures = 0;
  let mostOnDisk = 0;
  for (;;) {
    try {
      return await attempt(t);
    } catch (error) {
      const failure = toDownloadError(error, t);
      if (!failure.transient) throw failure;
      // Attempts that got further than ever before do not count, so a flaky link still finishes a big file.
      const onDisk = await fileSize(t.partial);
      if (onDisk > mostOnDisk) {
        mostOnDisk = onDisk;
        failures = 0;
      }
      failures++;
      if (failures > retries) throw failure;
      await sleep(retryDelayMs * failures, signal).catch(() => {
        throw abortedError(url, destination, signal.reason);
      });
    }
  }
}

// Each attempt gets its own stall watch, so a stall aborts that attempt's requests and nothing else.
async function attempt(t: Transfer): Promise<DownloadResult> {
  t.watch = new StallWatch(t.stallMs);
  t.request = AbortSignal.any([t.signal, t.watch.signal]);
  let written: number | undefined;
  try {
    return await attemptOnce(t, (bytes) => (written = bytes));
  } catch (error) {
    if (t.watch.fired && !t.signal.aborted) throw stalledError(t, written);
    throw error;
  } finally {
    t.watch.disarm();
  }
}

async function attemptOnce(t: Transfer, onWritten: (bytes: number) => void): Promise<DownloadResult> {
  if (t.signal.aborted) throw t.signal.reason;
  if (!t.probed) await probe(t);
  let offset = await fileSize(t.partial);
  if (t.size !== undefined && offset > t.size) offset = await restart(t);
  if (offset > 0) {
    t.validator ??= await readValidator(t);
    // Without a validator a changed file cannot be told from the old one until a checksum says so;
    // with no checksum either, appending to the old bytes could splice two versions.
    if (t.validator === null && !t.sha256) offset = await restart(t);
  }
  if (offset > 0 && t.hashedBytes !== offset) {
    t.report({ completedBytes: offset, totalBytes: t.size, phase: "checking partial download" }, true);
    t.hash = createHash("sha256");
    for await (const chunk of createReadStream(t.partial, { end: offset - 1 })) t.hash.update(chunk as Buffer);
    t.hashedBytes = offset;
  }
  if (offset > 0 && offset === t.size) return finish(t, offset);
  // If-Range: the server sends the rest only while the file is the one the partial bytes came from,
  // else the whole new file with 200, which starts over below.
  const headers = offset > 0 ? { ...t.headers, range: `bytes=${offset}-`, ...(t.validator ? { "if-range": t.validator } : {}) } : t.headers;
  t.watch.arm("response headers");
  const res = await t.get(t.url, { headers, signal: t.request });
  t.watch.disarm();
  try {
    return await receive(t, res, offset, onWritten);
  } finally {
    // However the attempt ended, a body nobody reads any more must not hold its connection open.
    res.cancel();
  }
}

async function receive(t: Transfer, res: HttpGetResponse, offset: number, onWritten: (bytes: number) => void): Promise<DownloadResult> {
  if (res.status === 416 && offset > 0) {
    const total = parseTotal(res.headers.get("content-range"));
    if (total === undefined || total === offset) return finish(t, offset);
    await restart(t);
    throw new DownloadError(failMessage(t, `the partial download (${offset} bytes) does not match the server's file (${total} bytes)`), {
      url: t.url,
      reason: "incomplete",
      transient: true,
    });
  }
  if (!res.ok) {
    throw httpError(t, res);
  }
  const range = res.status === 206 ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "") : null;
  if (res.status === 206 && Number(range?.[1]) !== offset) {
    await restart(t);
    throw new DownloadError(failMessage(t, `the server answered a different range than bytes=${offset}-`), {
      url: t.url,
      reason: "incomplete",
      transient: true,
    });
  }
  // A server that ignores If-Range still names the file it sends: a different one must not be appended.
  const validator = validatorOf(res);
  if (res.status === 206 && t.validator && validator !== undefined && validator !== t.validator) {
    await restart(t);
    throw new DownloadError(failMessage(t, "the file changed on the server since the partial download began; starting over"), {
      url: t.url,
      reason: "incomplete",
      transient: true,
    });
  }
  // A 200 to a Range request means the server sends the whole file again.
  if (res.status !== 206) offset = await restart(t);
  const length = Number(res.headers.get("content-length") ?? Number.NaN);
  const total = range ? parseSize(range[2] ?? null) : Number.isFinite(length) ? offset + length : undefined;
  if (t.size !== undefined && total !== undefined && total !== t.size) {
    throw await mismatch(t, "size", `${t.size} bytes`, `${total} bytes from the server`);
  }
  t.size ??= total;
  if (res.status !== 206) await saveValidator(t, validator);
  let written = offset;
  onWritten(written);
  const file = await open(t.partial, offset > 0 ? "a" : "w");
  try {
    t.report({ completedBytes: written, totalBytes: t.size, phase: "downloading" }, true);
    t.watch.arm("bytes");
    for await (const chunk of res.body) {
      t.watch.arm("bytes");
      if (t.size !== undefined && written + chunk.byteLength > t.size) {
        await file.close();
        throw await mismatch(t, "size", `${t.size} bytes`, "more bytes than that");
      }
      await file.write(chunk);
      t.hash.update(chunk);
      written += chunk.byteLength;
      onWritten(written);
      t.hashedBytes = written;
      t.report({ completedBytes: written, totalBytes: t.size, phase: "downloading" });
    }
  } finally {
    t.watch.disarm();
    await file.close().catch(() => undefined);
  }
  if (t.size !== undefined && written < t.size) {
    throw new DownloadError(failMessage(t, `the connection closed after ${written} of ${t.size} bytes`), {
      url: t.url,
      reason: "incomplete",
      transient: true,
    });
  }
  return finish(t, written);
}

// HEAD without following redirects: Hugging Face puts X-Linked-Size/-Etag on the redirect to its CDN.
async function probe(t: Transfer): Promise<void> {
  t.watch.arm("response headers");
  const res = await t.get(t.url, { method: "HEAD", headers: t.headers, redirect: "manual", signal: t.request });
  t.watch.disarm();
  res.cancel();
  // Servers without HEAD support still serve the GET.
  if (res.status === 405 || res.status === 501) {
    t.probed = true;
    return;
  }
  if (res.status >= 400) throw httpError(t, res);
  const linkedSize = parseSize(res.headers.get("x-linked-size"));
  const length = res.status < 300 ? parseSize(res.headers.get("content-length")) : undefined;
  const etag = /^(?:W\/)?"?([0-9a-f]{64})"?$/i.exec(res.headers.get("x-linked-etag")?.trim() ?? "")?.[1];
  t.size ??= linkedSize ?? length;
  t.sha256 ??= etag?.toLowerCase();
  t.probed = true;
}

async function finish(t: Transfer, size: number): Promise<DownloadResult> {
  if (t.size !== undefined && size !== t.size) throw await mismatch(t, "size", `${t.size} bytes`, `${size} bytes`);
  const digest = t.hash.digest("hex");
  if (t.sha256 && digest !== t.sha256) throw await mismatch(t, "sha256", t.sha256, digest);
  const manifestPath = `${t.destination}.json`;
  // A manifest from an older download must never describe the new file, even for a moment.
  await rm(manifestPath, { force: true });
  await rename(t.partial, t.destination);
  await rm(t.validatorFile, { force: true });
  const manifest: DownloadManifest = {
    url: t.url,
    size,
    sha256: digest,
    verified: t.sha256 ? "sha256" : t.size !== undefined ? "size" : "none",
    downloadedAt: new Date().toISOString(),
  };
  await writeFile(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${manifestPath}.tmp`, manifestPath);
  t.report({ completedBytes: size, totalBytes: size, phase: `verified ${manifest.verified}`, done: true }, true);
  return { path: t.destination, manifest };
}

async function restart(t: Transfer): Promise<number> {
  await rm(t.partial, { force: true });
  await rm(t.validatorFile, { force: true });
  t.validator = null;
  t.hash = createHash("sha256");
  t.hashedBytes = 0;
  return 0;
}

async function mismatch(t: Transfer, what: "size" | "sha256", expected: string, got: string): Promise<DownloadError> {
  await restart(t);
  return new DownloadError(failMessage(t, `${what} mismatch: expected ${expected}, got ${got}; the partial download was deleted`), {
    url: t.url,
    reason: what === "size" ? "size-mismatch" : "checksum-mismatch",
  });
}

function httpError(t: Transfer, res: Pick<HttpGetResponse, "status" | "statusText">): DownloadError {
  const { status } = res;
  const base = `HTTP ${status}${res.statusText ? ` ${res.statusText}` : ""}`;
  let detail = "";
  if (status === 401 || status === 403) {
    detail = t.tokenSent
      ? " (the repository may be gated or private, and the HF_TOKEN sent was refused: check that its account accepted the repository's terms)"
      : " (the repository may be gated or private: accept its terms on the Hugging Face website and set HF_TOKEN to an access token)";
  } else if (status === 404) {
    detail = " (check the owner, repo, revision and file name)";
  }
  const transient = status >= 500 || status === 408 || status === 429;
  return new DownloadError(failMessage(t, base + detail), { url: t.url, reason: "http", status, transient });
}

function toDownloadError(error: unknown, t: Transfer): DownloadError {
  if (t.signal.aborted) return abortedError(t.url, t.destination, t.signal.reason);
  if (error instanceof DownloadError) return error;
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  // File-system errors (ENOSPC, EACCES) surface directly; network errors arrive wrapped in a TypeError
  // (fetch's, or httpGet's, which wraps them the same way).
  if (!(error instanceof TypeError) && typeof syscall === "string") {
    const message = `could not download ${t.url}: cannot write ${t.partial}: ${error instanceof Error ? error.message : String(error)}`;
    return new DownloadError(message, { url: t.url, reason: "filesystem", cause: error });
  }
  // A certificate problem is no dropped connection: another attempt meets the same certificate.
  const tls = tlsProblemOf(error) !== undefined;
  return new DownloadError(failMessage(t, describeError(error), !tls), { url: t.url, reason: "network", transient: !tls, cause: error });
}

function stalledError(t: Transfer, written: number | undefined): DownloadError {
  const seconds = `${t.stallMs / 1000} s`;
  const what =
    t.watch.waitingFor === "bytes"
      ? `the download stalled: no bytes for ${seconds} after ${written ?? 0}${t.size !== undefined ? ` of ${t.size}` : ""} bytes`
      : `the server sent no response headers for ${seconds}`;
  return new DownloadError(failMessage(t, `${what} (MOA_DOWNLOAD_STALL_SECONDS sets how long to wait)`), {
    url: t.url,
    reason: "stalled",
    transient: true,
  });
}

function abortedError(url: string, destination: string, cause: unknown): DownloadError {
  const message = `download of ${url} was aborted; the bytes received so far stay in ${destination}.partial and a later download resumes them`;
  return new DownloadError(message, { url, reason: "aborted", cause });
}

function failMessage(t: Transfer, reason: string, offline = false): string {
  const intro = offline ? "no internet? Download" : "to use a local copy instead, download";
  return `could not download ${t.url}: ${reason}; ${intro} the file yourself and use "llamacpp:/path/to/file.gguf" in your config, or put it at ${t.destination}`;
}

function createReporter(emit: OnTransferProgress, id: string, label: string): Transfer["report"] {
  let last = Number.NEGATIVE_INFINITY;
  return (progress, force = false) => {
    const now = performance.now();
    if (!force && now - last < 100) return;
    last = now;
    const report: TransferProgress = { id, label, completedBytes: progress.completedBytes };
    if (progress.totalBytes !== undefined) report.totalBytes = progress.totalBytes;
    if (progress.phase !== undefined) report.phase = progress.phase;
    if (progress.done) report.done = true;
    emit(report);
  };
}

/** The response's strong `ETag`, else its `Last-Modified` (weak ETags cannot guard a Range request). */
function validatorOf(res: Pick<HttpGetResponse, "headers">): string | undefined {
  const etag = res.headers.get("etag")?.trim();
  if (etag && !etag.startsWith("W/")) return etag;
  return res.headers.get("last-modified")?.trim() || undefined;
}

async function readValidator(t: Transfer): Promise<string | null> {
  try {
    const saved = JSON.parse(await readFile(t.validatorFile, "utf8")) as { url?: unknown; validator?: unknown };
    // A validator of another URL says nothing about this one's bytes.
    return saved.url === t.url && typeof saved.validator === "string" && saved.validator !== "" ? saved.validator : null;
  } catch {
    return null;
  }
}

// Written before the first byte of a fresh transfer, so the partial file never outlives its validator.
async function saveValidator(t: Transfer, validator: string | undefined): Promise<void> {
  t.validator = validator ?? null;
  if (validator === undefined) await rm(t.validatorFile, { force: true });
  else await writeFile(t.validatorFile, `${JSON.stringify({ url: t.url, validator })}\n`);
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

type Get = (url: string, init: HttpGetInit) => Promise<HttpGetResponse>;

function viaFetch(fetchImpl: typeof fetch): Get {
  return async (url, { method, headers, redirect, signal }) => {
    const res = await fetchImpl(url, { method, headers, redirect, signal });
    return {
      status: res.status,
      statusText: res.statusText,
      ok: res.ok,
      url: res.url,
      headers: res.headers,
      body: res.body ?? emptyBody(),
      // An unread body would hold its connection open.
      cancel: () => void res.body?.cancel().catch(() => undefined),
    };
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

function parseSize(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

function parseTotal(contentRange: string | null): number | undefined {
  return parseSize(/\/(\d+)\s*$/.exec(contentRange ?? "")?.[1] ?? null);
}
