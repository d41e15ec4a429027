/**
 * A one-line, user-facing reason for a failed model call. Provider errors arrive in many shapes:
 * Ollama's `ResponseError` (`status_code`), OpenAI's `APIError` (`status`), fetch's `TypeError` with
 * a network `cause`, and abort/timeout `DOMException`s.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const network = networkCode(error);
  if (network === "ECONNREFUSED") return `connection refused (${address(error) ?? "server not running?"})`;
  if (network === "ENOTFOUND") return `host not found (${address(error) ?? "check the base URL"})`;
  if (network === "ECONNRESET" || network === "UND_ERR_SOCKET") return "connection reset by the server";
  if (network) return `network error ${network}`;
  const status = (error as { status_code?: unknown; status?: unknown }).status_code ?? (error as { status?: unknown }).status;
  const message = error.message.split("\n")[0]?.trim() || error.name;
  return typeof status === "number" ? `HTTP ${status}: ${message}` : message;
}

function networkCode(error: Error): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors[0]) e = { cause: errors[0] };
  }
  return undefined;
}

function address(error: Error): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { address: host, port } = e as { address?: unknown; port?: unknown };
    if (typeof host === "string") return typeof port === "number" ? `${host}:${port}` : host;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors[0]) e = { cause: errors[0] };
  }
  return undefined;
}
