import type { SSEStreamingApi } from "hono/streaming";

/** How often a quiet stream sends a comment line. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Sends an SSE comment (`: keep-alive`) while a stream is quiet: proposers may take minutes before the
 * reply's first token, and proxies close connections that send nothing for a while. Clients ignore
 * comments. Returns the function that stops it.
 *
 * @example
 * const stop = keepStreamAlive(stream);
 * try { ... } finally { stop(); }
 */
export function keepStreamAlive(stream: SSEStreamingApi, everyMs: number = KEEP_ALIVE_MS): () => void {
  const timer = setInterval(() => {
    if (!stream.aborted && !stream.closed) void stream.write(": keep-alive\n\n").catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
