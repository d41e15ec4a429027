import { redactCredentials } from "../util/redactCredentials.js";

/**
 * A one-line, user-facing reason for a failed model call. Provider errors arrive in many shapes:
 * Ollama's `ResponseError` (`status_code`), OpenAI's `APIError` (`status`), fetch's `TypeError` with
 * a network `cause`, and abort/timeout `DOMException`s.
 *
 * @example
 * describeError(await fetch("http://127.0.0.1:9").catch((e) => e)); // "connection refused (127.0.0.1:9)"
 */
export function describeError(error: unknown): string {
  // Servers and clients quote the URLs they were given; a URL may carry a password or a key.
  return redactCredentials(describeUnredacted(error));
}

function describeUnredacted(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const network = findInCauses(error, (e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code) ? code : undefined;
  });
  const address = findInCauses(error, (e) => {
    const { address: host, port } = e as { address?: unknown; port?: unknown };
    if (typeof host !== "string") return undefined;
    return typeof port === "number" ? `${host}:${port}` : host;
  });
  if (network === "ECONNREFUSED") return `connection refused (${address ?? "server not running?"})`;
  if (network === "ENOTFOUND") return `host not found (${address ?? "check the base URL"})`;
  if (network === "ECONNRESET" || network === "UND_ERR_SOCKET") return "connection reset by the server";
  if (network) return `network error ${network}`;
  const status = (error as { status_code?: unknown }).status_code ?? (error as { status?: unknown }).status;
  const message = error.message.split("\n")[0]?.trim() || error.name;
  return typeof status === "number" ? `HTTP ${status}: ${message}` : message;
}

/**
 * Why a reachability probe got no answer: its timeout, or the network error.
 *
 * @example
 * describeProbeFailure(error, 3_000); // "no answer within 3000 ms"
 */
export function describeProbeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  return describeError(error);
}

// Network details sit a few levels down: fetch's TypeError -> cause -> (AggregateError.errors[0]).
function findInCauses<T>(error: unknown, pick: (e: object) => T | undefined): T | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === "object" && depth < 6; depth++) {
    const found = pick(current);
    if (found !== undefined) return found;
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}
