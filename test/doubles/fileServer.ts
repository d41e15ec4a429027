/**
 * Loopback file server double shaped like Hugging Face's `resolve` endpoint, for the model downloader.
 *
 * Serves byte buffers at paths such as `/<owner>/<repo>/resolve/main/<file>`. HEAD answers with
 * `Content-Length`, `X-Linked-Size` and `X-Linked-Etag: "<sha256>"` (as the Hub does for LFS files);
 * GET honours `Range: bytes=<n>-` with 206 + `Content-Range`, or 416 past the end, and `If-Range` (the whole
 * file with 200 when the validator is not the file's current `ETag` / `Last-Modified`). Faults are switched
 * on per server: ignore ranges, cut or stall the connection mid-body, never answer, fixed status codes, a wrong etag,
 * a Hub-style redirect to a CDN path (on this server or another one). Every request is recorded.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sleep, startLoopbackServer, untilAborted } from "./loopback.js";

/** Faults and behaviour of a {@link FileServer}; all off by default. */
export interface FileServerBehavior {
  /** Always answer 200 with the whole file, as servers without range support do. */
  ignoreRange?: boolean;
  /** Drop the connection after `afterBytes` body bytes, for the first `requests` GETs. */
  cut?: { afterBytes: number; requests: number };
  /** Send `afterBytes` body bytes, then hang until the client goes away. */
  stallAfterBytes?: number;
  /** Accept every request (or every GET) and never answer it, not even with headers. */
  silent?: boolean | "GET";
  /** Fixed status per path (for HEAD and GET), e.g. `{ "/a/b/resolve/main/x.gguf": 404 }`. */
  status?: Record<string, number>;
  /** What `X-Linked-Etag` says: the file's sha256 (default), another file's, or nothing. */
  etag?: "correct" | "wrong" | "none";
  /** Overrides `X-Linked-Size` (a lie, for size-mismatch tests); `"none"` leaves the header out. */
  linkedSize?: number | "none";
  /** HEAD answers 405, as servers without HEAD support do. */
  noHead?: boolean;
  /**
   * Answer like the Hub: a 302 carrying the X-Linked headers to `/cdn<path>`, which serves the bytes. A base URL
   * (another double's `url`) redirects there instead, to another origin.
   */
  redirect?: boolean | string;
  /** Body write size. Default 16 KiB. */
  chunkBytes?: number;
  /** Pause between body chunks, to make transfers slow enough to watch. Default 0. */
  chunkDelayMs?: number;
  /** Which validators HEAD and GET carry: a strong `ETag` (default), `Last-Modified`, or neither. */
  validators?: "etag" | "last-modified" | "none";
  /** Honour `Range` but not `If-Range`, so a changed file is resumed as if it were the old one. */
  ignoreIfRange?: boolean;
}

/** One request as received. */
export interface RecordedFileRequest {
  method: string;
  path: string;
  /** The `Range` header, when sent. */
  range?: string;
  /** The `Authorization` header, when sent. */
  authorization?: string;
  /** The `If-Range` header, when sent. */
  ifRange?: string;
  /** Set when the connection ended before the response was complete (the client left, or a `cut`). */
  disconnected?: true;
}

/** A started file server double. */
export interface FileServer {
  /** Base URL without a trailing slash; pass it as the `hf:` endpoint. */
  readonly url: string;
  readonly port: number;
  /** Every request in arrival order (HEAD and GET, redirects included). */
  readonly requests: RecordedFileRequest[];
  /** Adds or replaces a file (a new version: its ETag and Last-Modified change). */
  setFile(path: string, bytes: Uint8Array): void;
  /** Replaces the behaviour (takes effect for later requests; the cut counter restarts). */
  setBehavior(behavior: FileServerBehavior): void;
  clearRequests(): void;
  close(): Promise<void>;
}

/**
 * Starts the double on 127.0.0.1.
 *
 * @example
 * const model = pseudoRandomBytes({ size: 300_000, seed: 1 });
 * const server = await startFileServer({ files: { [hfFilePath({ owner: "a", repo: "b", file: "m.gguf" })]: model } });
 * // parseHfUri("hf:a/b/m.gguf", { endpoint: server.url }).url is served by it
 * await server.close();
 */
export async function startFileServer({
  files = {},
  behavior = {},
}: { files?: Record<string, Uint8Array>; behavior?: FileServerBehavior } = {}): Promise<FileServer> {
  const store = new Map<string, Buffer>(Object.entries(files).map(([p, bytes]) => [p, Buffer.from(bytes)]));
  // Each version of a file gets its own Last-Modified, a day after the one before.
  let versions = 0;
  const modified = new Map<string, string>([...store.keys()].map((p) => [p, versionDate(versions)]));
  const requests: RecordedFileRequest[] = [];
  let current = behavior;
  let gets = 0;
  const server = await startLoopbackServer(async (req, res, signal) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const record: RecordedFileRequest = { method, path: url.pathname };
    if (typeof req.headers.range === "string") record.range = req.headers.range;
    if (typeof req.headers.authorization === "string") record.authorization = req.headers.authorization;
    if (typeof req.headers["if-range"] === "string") record.ifRange = req.headers["if-range"];
    requests.push(record);
    signal.addEventListener("abort", () => (record.disconnected = true), { once: true });
    if (current.silent === true || current.silent === method) return untilAborted(signal);
    const viaCdn = url.pathname.startsWith("/cdn/");
    const filePath = viaCdn ? url.pathname.slice("/cdn".length) : url.pathname;
    const fixed = current.status?.[filePath];
    const bytes = store.get(filePath);
    if (fixed !== undefined) return sendText(res, fixed, `status ${fixed} for ${filePath}`);
    if (!bytes) return sendText(res, 404, `no file at ${filePath}`);
    if (method === "HEAD" && current.noHead) return sendText(res, 405, "HEAD not supported");
    const validators = validatorHeaders(bytes, modified.get(filePath) ?? versionDate(0), current);
    const linked = viaCdn ? {} : linkedHeaders(bytes, current);
    if (current.redirect && !viaCdn) {
      const base = typeof current.redirect === "string" ? current.redirect : "";
      res.writeHead(302, { location: `${base}/cdn${filePath}`, "content-length": 0, ...linked });
      return void res.end();
    }
    if (method === "HEAD") {
      res.writeHead(200, { "content-length": bytes.length, "accept-ranges": "bytes", ...linked, ...validators });
      return void res.end();
    }
    if (method !== "GET") return sendText(res, 405, `${method} not supported`);
    gets++;
    const ifRange = req.headers["if-range"];
    const stale = typeof ifRange === "string" && !current.ignoreIfRange && !Object.values(validators).includes(ifRange);
    const start = current.ignoreRange || stale ? 0 : rangeStart(req);
    if (start >= bytes.length && start > 0) {
      res.writeHead(416, { "content-range": `bytes */${bytes.length}`, "content-length": 0 });
      return void res.end();
    }
    const body = bytes.subarray(start);
    const headers = { "content-length": body.length, "accept-ranges": "bytes", ...linked, ...validators };
    if (start > 0) res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
    else res.writeHead(200, headers);
    await sendBody(res, body, { behavior: current, cutThis: current.cut !== undefined && gets <= current.cut.requests, signal });
  });
  return {
    url: server.url,
    port: server.port,
    requests,
    setFile: (p, bytes) => {
      store.set(p, Buffer.from(bytes));
      modified.set(p, versionDate(++versions));
    },
    setBehavior: (next) => {
      current = next;
      gets = 0;
    },
    clearRequests: () => void requests.splice(0),
    close: () => server.close(),
  };
}

/**
 * The Hub path of a file: `/<owner>/<repo>/resolve/<revision>/<file>`.
 *
 * @example
 * hfFilePath({ owner: "a", repo: "b", file: "m.gguf" }); // "/a/b/resolve/main/m.gguf"
 */
export function hfFilePath({
  owner,
  repo,
  file,
  revision = "main",
}: {
  owner: string;
  repo: string;
  file: string;
  revision?: string;
}): string {
  return `/${owner}/${repo}/resolve/${revision}/${file}`;
}

/**
 * Deterministic pseudo-random bytes (xorshift32), standing in for a model file.
 *
 * @example
 * pseudoRandomBytes({ size: 4, seed: 7 }).equals(pseudoRandomBytes({ size: 4, seed: 7 })); // true
 */
export function pseudoRandomBytes({ size, seed = 1 }: { size: number; seed?: number }): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Lowercase hex sha256 of some bytes.
 *
 * @example
 * sha256Hex(Buffer.from("")); // "e3b0c442...b855"
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function linkedHeaders(bytes: Buffer, behavior: FileServerBehavior): Record<string, string> {
  const headers: Record<string, string> = {};
  const size = behavior.linkedSize ?? bytes.length;
  if (size !== "none") headers["x-linked-size"] = String(size);
  const etag = behavior.etag ?? "correct";
  if (etag !== "none") headers["x-linked-etag"] = `"${sha256Hex(etag === "correct" ? bytes : Buffer.concat([bytes, Buffer.from("x")]))}"`;
  return headers;
}

function validatorHeaders(bytes: Buffer, lastModified: string, behavior: FileServerBehavior): Record<string, string> {
  const kind = behavior.validators ?? "etag";
  if (kind === "etag") return { etag: `"${sha256Hex(bytes).slice(0, 16)}"` };
  if (kind === "last-modified") return { "last-modified": lastModified };
  return {};
}

function versionDate(version: number): string {
  return new Date(Date.UTC(2024, 0, 1 + version)).toUTCString();
}

function rangeStart(req: IncomingMessage): number {
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  return match ? Number(match[1]) : 0;
}

async function sendBody(
  res: ServerResponse,
  body: Buffer,
  { behavior, cutThis, signal }: { behavior: FileServerBehavior; cutThis: boolean; signal: AbortSignal },
): Promise<void> {
  const step = Math.max(1, behavior.chunkBytes ?? 16 * 1024);
  const limit = cutThis ? behavior.cut?.afterBytes : behavior.stallAfterBytes;
  let sent = 0;
  while (sent < body.length) {
    const end = Math.min(body.length, sent + step, limit ?? body.length);
    if (end > sent) {
      const ok = await new Promise<boolean>((resolve) => res.write(body.subarray(sent, end), (err) => resolve(!err)));
      if (!ok) return;
      sent = end;
    }
    if (limit !== undefined && sent >= limit) {
      if (cutThis) return void res.destroy();
      return untilAborted(signal);
    }
    if (behavior.chunkDelayMs && !(await sleep(behavior.chunkDelayMs, signal))) return;
  }
  res.end();
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
