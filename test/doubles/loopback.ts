/**
 * Small node:http helpers shared by the loopback test doubles (Ollama, OpenAI).
 * Nothing here knows about a wire protocol; it only handles listening on 127.0.0.1,
 * request bodies, client disconnects and a close() that never waits on open sockets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A handler for one request. `signal` aborts when the client disconnects or the server closes. */
export type LoopbackHandler = (req: IncomingMessage, res: ServerResponse, signal: AbortSignal) => Promise<void>;

/** A started loopback server. */
export interface LoopbackServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43117`. */
  readonly url: string;
  /** Port the server listens on. */
  readonly port: number;
  /** Stops listening and destroys every open socket (including hanging requests). Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 with an OS-chosen free port.
 * Handler exceptions become a 500 `{"error": message}` unless headers were already sent,
 * in which case the socket is destroyed.
 */
export async function startLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();
  const server: Server = createServer((req, res) => {
    const controller = new AbortController();
    inFlight.add(controller);
    // "close" on the response fires when it finished or when the connection went away.
    res.on("close", () => {
      inFlight.delete(controller);
      if (!res.writableFinished) controller.abort(new Error("client disconnected"));
    });
    handler(req, res, controller.signal).catch((err: unknown) => {
      if (res.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  server.keepAliveTimeout = 1_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of inFlight) c.abort(new Error("server closing"));
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Reads the whole request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/** Parses a JSON body; returns `undefined` when it is not valid JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a complete JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. `ms <= 0` yields a macrotask. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Resolves when `signal` aborts (used for "hang"). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** Writes a chunk and waits for the socket to accept it; `false` if the client is gone. */
export function writeChunk(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    res.write(text, (err) => resolve(!err));
  });
}

/** Splits text into pieces of `size` characters (at least one piece unless text is empty). */
export function splitIntoChunks(text: string, size: number): string[] {
  const step = Math.max(1, Math.floor(size));
  const chars = Array.from(text); // keep surrogate pairs together
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += step) out.push(chars.slice(i, i + step).join(""));
  return out;
}

/** Rough whitespace token count: the number of words, at least 1 for non-empty text. */
export function roughTokenCount(text: string): number {
  const words = text.split(/\s+/).filter((w) => w.length > 0).length;
  return text.length > 0 ? Math.max(1, words) : 0;
}

/** High-resolution epoch milliseconds (fractional), comparable across calls in one process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Narrowing helper for plain objects. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Flattens message content (string or OpenAI-style parts) to plain text. */
export function contentToText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
  }
  return content === null || content === undefined ? "" : JSON.stringify(content);
}

/** What every recording model-server double offers. */
export interface RecordingDouble<Call, Behavior> {
  /** Base URL, e.g. `http://127.0.0.1:43117`. */
  readonly url: string;
  /** Every chat call in arrival order. */
  readonly calls: Call[];
  /** Calls whose requested model is `model` (exact string as sent). */
  callsFor(model: string): Call[];
  /** Adds or replaces a model's behaviour (takes effect for later requests). */
  setBehavior(model: string, behavior: Behavior): void;
  /** Forgets recorded calls. */
  clearCalls(): void;
  /** Stops the server, destroying open and hanging connections. */
  close(): Promise<void>;
}
