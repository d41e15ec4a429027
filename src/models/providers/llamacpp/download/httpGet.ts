/**
 * A GET (or HEAD) over node:http / node:https for the model downloader. Node's built-in fetch (undici, from
 * Node 24 on) throws away body bytes it has received but not yet handed out when the connection is cut, so an
 * interrupted download would keep nothing to resume from. Here every chunk that arrived is yielded before the
 * error that ended the body.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";

/** Options of {@link httpGet}. */
export interface HttpGetInit {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  /** `"follow"` (default) follows up to 10 redirects as fetch does; `"manual"` returns the redirect itself. */
  redirect?: "follow" | "manual";
  /** Aborts the wait for the response headers and the body. */
  signal?: AbortSignal;
}

/** What {@link httpGet} resolves with. */
export interface HttpGetResponse {
  status: number;
  statusText: string;
  ok: boolean;
  /** The URL that answered, after redirects. */
  url: string;
  headers: Headers;
  /**
   * The body, readable once. A connection cut mid-body surfaces as an error only after every chunk that
   * arrived before it; network errors are `TypeError`s with the cause Node gave.
   */
  body: AsyncIterable<Uint8Array>;
  /** Stops the body and releases the connection; idempotent. */
  cancel(): void;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
// The queue between the socket and a slow consumer (a slow disk) stops growing here.
const PAUSE_AT_BYTES = 1024 * 1024;
const RESUME_AT_BYTES = 256 * 1024;

/**
 * Requests `url` and resolves once the response headers arrived.
 *
 * @example
 * const res = await httpGet("https://example.com/model.gguf", { headers: { "accept-encoding": "identity" } });
 * for await (const chunk of res.body) file.write(chunk);
 */
export async function httpGet(url: string | URL, init: HttpGetInit = {}): Promise<HttpGetResponse> {
  const { method = "GET", redirect = "follow", signal } = init;
  const headers = { ...init.headers };
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    const res = await request(current, method, headers, signal);
    const location = res.headers.location;
    if (redirect === "manual" || !REDIRECT_STATUSES.has(res.statusCode ?? 0) || location === undefined) {
      return respond(res, current, signal);
    }
    res.destroy();
    if (redirects >= MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) });
    let next: URL;
    try {
      next = new URL(location, current);
    } catch (error) {
      throw new TypeError("fetch failed", { cause: error });
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw new TypeError("fetch failed", { cause: new Error(`redirect to unsupported URL scheme ${next.protocol}`) });
    }
    // The bearer token is for the host it was given for; a CDN (or anyone a server redirects to) must not see it.
    if (next.origin !== current.origin) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === "authorization") delete headers[name];
    }
    current = next;
  }
}

function request(url: URL, method: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const client = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
    if (!client) return reject(new TypeError("fetch failed", { cause: new Error(`unsupported URL scheme ${url.protocol}`) }));
    const req = client.request(url, { method, headers });
    const onAbort = (): void => {
      req.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("response", (res) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(res);
    });
    // Node's network errors carry a `syscall` like file-system errors do; wrapped as fetch wraps them, they
    // stay recognisable as network errors (and their cause keeps the code, address and TLS details).
    req.on("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(new TypeError("fetch failed", { cause: error }));
    });
    req.end();
  });
}

function respond(res: IncomingMessage, url: URL, signal: AbortSignal | undefined): HttpGetResponse {
  const status = res.statusCode ?? 0;
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      try {
        headers.append(name, one);
      } catch {
        // A value fetch's Headers refuses (control characters) is in no header the downloader reads.
      }
    }
  }
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let paused = false;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const settle = (outcome: { error: unknown } | undefined): void => {
    if (ended || failure) return;
    if (outcome) failure = outcome;
    else ended = true;
    signal?.removeEventListener("abort", onAbort);
    notify();
  };
  const onAbort = (): void => {
    settle({ error: signal?.reason });
    res.destroy();
  };
  let rescuing = false;
  const take = (chunk: Buffer): void => {
    if (ended || failure) return;
    queue.push(chunk);
    queuedBytes += chunk.byteLength;
    if (queuedBytes >= PAUSE_AT_BYTES && !paused) {
      paused = true;
      res.pause();
    }
    notify();
  };
  // A cut destroys the response while it is paused, but the chunks Node had buffered for it stay readable.
  const cut = (cause: unknown): void => {
    rescuing = true;
    try {
      for (let chunk: unknown = res.read(); chunk !== null; chunk = res.read()) if (Buffer.isBuffer(chunk)) take(chunk);
    } finally {
      rescuing = false;
    }
    settle({ error: new TypeError("terminated", { cause }) });
  };
  // read() may emit "data" for the chunk it returns as well; the rescue takes the returned one.
  res.on("data", (chunk: Buffer) => {
    if (!rescuing) take(chunk);
  });
  res.on("end", () => settle(undefined));
  res.on("error", cut);
  // Node reports a cut as an "aborted" error, but a close before the end is a cut whatever was reported.
  res.on("close", () => (res.complete ? settle(undefined) : cut(new Error("the connection closed before the body ended"))));
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  const cancel = (): void => {
    queue.length = 0;
    queuedBytes = 0;
    settle(undefined);
    if (!res.complete) res.destroy();
    else res.resume();
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          queuedBytes -= chunk.byteLength;
          if (paused && queuedBytes <= RESUME_AT_BYTES) {
            paused = false;
            res.resume();
          }
          yield chunk;
          continue;
        }
        if (failure) throw failure.error;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      // A consumer that stops early (an error of its own, a size check) must not leave the connection open.
      cancel();
    }
  }
  return {
    status,
    statusText: res.statusMessage ?? "",
    ok: status >= 200 && status < 300,
    url: url.href,
    headers,
    body: chunks(),
    cancel,
  };
}
