import { MoAError } from "../errors/MoAError.js";
/** An HTTP error response that carried `Retry-After`, in the shape ChatOllama's own errors have. */
export class HttpStatusError extends MoAError {
  /** As in ollama-js's `ResponseError`, so `describeError` and the classifier read it alike. */
  readonly status_code: number;
  readonly headers: Headers;

  constructor(message: string, status: number, headers: Headers) {
    super(message, { code: "http_status", category: "run" });
    this.name = "ResponseError";
    this.status_code = status;
    this.headers = headers;
  }
}

/**
 * Wraps a `fetch` so that an error response with a `Retry-After` header fails with an error that
 * keeps the headers. ollama-js turns error responses into a `ResponseError` with the status only,
 * which would lose the server's "come back in n seconds" (a rate-limiting proxy in front of
 * Ollama, or Ollama's own 503 when its queue is full).
 *
 * @example
 * new ChatOllama({ model, fetch: fetchWithRetryAfter(fetchWithTimeout(30_000)) });
 */
export function fetchWithRetryAfter(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.ok || !response.headers.has("retry-after")) return response;
    throw new HttpStatusError(await errorMessage(response), response.status, response.headers);
  };
}

// Ollama answers errors as {"error": "..."}; anything else is shown as the text, or the status line.
async function errorMessage(response: Response): Promise<string> {
  const fallback = `Error ${response.status}: ${response.statusText}`;
  const text = await response.text().catch(() => "");
  try {
    const parsed: unknown = JSON.parse(text);
    const error = typeof parsed === "object" && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
    if (typeof error === "string" && error !== "") return error;
  } catch {
    // not JSON: use the text itself
  }
  return text.trim() !== "" ? text.trim().slice(0, 500) : fallback;
}
