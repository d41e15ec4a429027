import { ERROR_BODY_MAX_BYTES } from "./answerLimits.js";
import { ResponseTooLargeError } from "./ResponseTooLargeError.js";

/** Options of {@link fetchWithBodyLimit}. */
export interface FetchWithBodyLimitOptions {
  inner: typeof fetch;
  /** A successful body longer than this fails its reader with a {@link ResponseTooLargeError} and closes the connection. */
  maxBodyBytes: number;
  /** Bytes of an error body kept (the rest is never read). Default {@link ERROR_BODY_MAX_BYTES}. */
  maxErrorBodyBytes?: number;
  /** Says what the limit derives from, in the error message (e.g. `"maxTokens 1024"`). */
  limitSource?: string;
}

/**
 * Wraps a `fetch` so that nothing a model server sends can grow without bound: a successful body
 * (a whole JSON answer, or an NDJSON / SSE stream) is cut off with an error once it passes
 * `maxBodyBytes`, and an error body is cut to its first `maxErrorBodyBytes` (marked as truncated and
 * served as text) before the client reads it into its error message.
 *
 * @example
 * new ChatOllama({ model, fetch: fetchWithBodyLimit({ inner: fetch, maxBodyBytes: 2 * 1024 * 1024 }) });
 */
export function fetchWithBodyLimit({
  inner,
  maxBodyBytes,
  maxErrorBodyBytes = ERROR_BODY_MAX_BYTES,
  limitSource,
}: FetchWithBodyLimitOptions): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!response.body) return response;
    if (!response.ok) return truncateErrorBody(response, maxErrorBodyBytes);
    const because = limitSource ? ` (the limit for ${limitSource})` : "";
    const message = `the server sent more than ${formatBytes(maxBodyBytes)} for one answer${because}: it may be ignoring the token limit; the stream was closed`;
    let seen = 0;
    const limited = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          // Erroring the pipe cancels the source, which closes the connection.
          if (seen > maxBodyBytes) controller.error(new ResponseTooLargeError(message, maxBodyBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(limited, { status: response.status, statusText: response.statusText, headers: withoutLength(response.headers) });
  };
}

async function truncateErrorBody(response: Response, maxBytes: number): Promise<Response> {
  const reader = response.body!.getReader();
  const parts: Uint8Array[] = [];
  let kept = 0;
  let cut = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - kept;
      parts.push(value.subarray(0, room));
      kept += Math.min(room, value.byteLength);
      if (value.byteLength > room) {
        cut = true;
        break;
      }
    }
  } catch {
    // A body that fails midway still has its first bytes to show.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (!cut) return new Response(concat(parts), { status: response.status, statusText: response.statusText, headers: response.headers });
  // Served as text: a JSON body cut in the middle no longer parses, and clients then show the text.
  const headers = withoutLength(response.headers);
  headers.set("content-type", "text/plain; charset=utf-8");
  const text = `${new TextDecoder().decode(concat(parts))}… (truncated: the server sent more than ${formatBytes(maxBytes)})`;
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}

function withoutLength(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete("content-length");
  // The body is already decoded; a later reader must not decode it again.
  copy.delete("content-encoding");
  return copy;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}
