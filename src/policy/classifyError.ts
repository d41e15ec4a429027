import { isMoAError } from "../errors/MoAError.js";
import { parseRetryAfter, retryAfterHeader } from "./retryAfter.js";

/** Whether a failed model call is worth another attempt, and when. */
export type ErrorClass =
  | { retry: true; reason: string; /** From the server's `Retry-After`, when it sent one. */ retryAfterMs?: number }
  | { retry: false; reason: string };

// Network failures that a later attempt can outlive: the server restarting, a dropped keep-alive
// socket, a temporary DNS failure. ENOTFOUND is missing on purpose: a wrong host name stays wrong.
const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Sorts a model call's failure into transient (retry) or permanent (report at once).
 *
 * Transient: connection refused/reset and similar network errors, HTTP 5xx (but 501), 408 and 429
 * (with its `Retry-After`). Permanent: every other 4xx (404 model not found, 401 bad key, 400),
 * setup and config errors, aborts and timeouts (our per-call `timeoutMs` bounds the whole call,
 * retries included, so a timed-out call is over), and anything unrecognised, because retrying a
 * bug or a malformed reply only repeats it at the price of another call.
 *
 * Statuses come as `status_code` (ChatOllama's `ResponseError`) or `status` (OpenAI's `APIError`).
 *
 * @example
 * classifyError(Object.assign(new Error("model not found"), { status_code: 404 })); // { retry: false, ... }
 * classifyError(Object.assign(new Error("busy"), { status: 429, headers: new Headers({ "retry-after": "2" }) }));
 * // { retry: true, reason: "HTTP 429", retryAfterMs: 2000 }
 */
export function classifyError(error: unknown, now: number = Date.now()): ErrorClass {
  if (!(error instanceof Error)) return { retry: false, reason: "not an Error" };
  if (error.name === "AbortError" || error.name === "TimeoutError") return { retry: false, reason: error.name };
  // Our own setup, config and environment errors say something a second attempt cannot change.
  if (isMoAError(error) && error.category !== "run") return { retry: false, reason: error.code };
  const status = statusOf(error);
  if (status !== undefined) {
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(retryAfterHeader(error), now);
      return retryAfterMs === undefined ? { retry: true, reason: "HTTP 429" } : { retry: true, reason: "HTTP 429", retryAfterMs };
    }
    if (status === 408 || (status >= 500 && status !== 501)) return { retry: true, reason: `HTTP ${status}` };
    return { retry: false, reason: `HTTP ${status}` };
  }
  const code = networkCode(error);
  if (code !== undefined) return TRANSIENT_NETWORK_CODES.has(code) ? { retry: true, reason: code } : { retry: false, reason: code };
  // OpenAI's client reports a failed connection without a code of its own (the code, if any, is in `cause`).
  if (error.name === "APIConnectionError" || error.constructor.name === "APIConnectionError")
    return { retry: true, reason: "APIConnectionError" };
  return { retry: false, reason: "unrecognised error" };
}

function statusOf(error: Error): number | undefined {
  const status = (error as { status_code?: unknown }).status_code ?? (error as { status?: unknown }).status;
  return typeof status === "number" && status >= 100 && status <= 599 ? status : undefined;
}

// fetch hides the socket error a few levels down: TypeError -> cause -> (AggregateError.errors[0]).
function networkCode(error: Error): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === "object" && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}
