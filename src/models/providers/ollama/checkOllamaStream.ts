import { UnexpectedResponseError } from "../../UnexpectedResponseError.js";

/** The longest line accepted from a stream: a chunk carries a token or a few, never megabytes. */
const MAX_LINE_CHARS = 1 << 20;

/**
 * Wraps the `fetch` of Ollama chat calls so that a reply which is not Ollama's protocol fails the
 * call. ollama-js skips an invalid NDJSON line with a console warning and reads a line without
 * `message` as a crash in its own code ("Cannot read properties of undefined"); either way the
 * answer would be recorded as complete when part of it was lost. Here every line of a successful
 * `/api/chat` response must be a JSON object with `message` (or Ollama's `error`), and the body must
 * be NDJSON or JSON at all.
 *
 * @example
 * new ChatOllama({ model, fetch: checkOllamaStream(fetchWithTimeout(30_000)) });
 */
export function checkOllamaStream(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!response.ok) return asJsonError(response);
    if (!url.pathname.endsWith("/api/chat") || response.body === null) return response;
    const type = response.headers.get("content-type") ?? "";
    if (!/json/i.test(type)) {
      await response.body.cancel().catch(() => undefined);
      throw new UnexpectedResponseError(
        `the server at ${url.origin} answered ${url.pathname} with ${type.split(";")[0] || "no content type"}, not Ollama's JSON; is it an Ollama server?`,
        "check the base URL (OLLAMA_HOST)",
      );
    }
    return new Response(checkedLines(response.body), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/**
 * An error response as Ollama's `{"error": "..."}`, whatever the server sent (an HTML proxy page, a cut
 * body). ollama-js prints to stdout (`console.log`) when an error body is not that JSON, which would mix
 * into `moa run`'s answer and break `--json`. Status and headers (Retry-After) are kept.
 */
async function asJsonError(response: Response): Promise<Response> {
  const text = await response.text().catch(() => "");
  let error = text.trim() || `HTTP ${response.status}`;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === "string") error = parsed.error;
  } catch {
    // Not JSON: the text itself is the error.
  }
  const headers = new Headers(response.headers);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  return new Response(JSON.stringify({ error }), { status: response.status, statusText: response.statusText, headers });
}

function checkedLines(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  const pass = (line: string, controller: TransformStreamDefaultController<Uint8Array>): void => {
    if (line.trim() === "") return;
    checkLine(line);
    controller.enqueue(encoder.encode(`${line}\n`));
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        if (pending.length > MAX_LINE_CHARS)
          throw new UnexpectedResponseError(`Ollama's stream had a line longer than ${MAX_LINE_CHARS} characters`);
        for (const line of lines) pass(line, controller);
      },
      flush(controller) {
        pass(pending + decoder.decode(), controller);
      },
    }),
  );
}

function checkLine(line: string): void {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UnexpectedResponseError(`Ollama's stream had an invalid line (not JSON): ${snippet(line)}`);
  }
  const record = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const message = record?.message;
  if (typeof record?.error === "string" || (typeof message === "object" && message !== null && !Array.isArray(message))) return;
  throw new UnexpectedResponseError(`Ollama's stream had a line that is not a chat message: ${snippet(line)}`);
}

// Cut, with control characters escaped: the line is the server's text, shown in one line of an error.
function snippet(line: string): string {
  const cut = line.length > 80 ? `${line.slice(0, 80)}...` : line;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
