import { redactCredentials } from "../util/redactCredentials.js";
import { UnexpectedResponseError } from "./UnexpectedResponseError.js";

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
  // Our own finding about a response (a redirect, a broken stream), which a client may have wrapped in its
  // own "Connection error.": the finding is the reason.
  const unexpected = findInCauses(error, (e) => (e instanceof UnexpectedResponseError ? e.message : undefined));
  if (unexpected !== undefined) return unexpected;
  const tls = tlsProblemOf(error);
  if (tls) return `${tls.reason}; ${tls.fix}`;
  const network = networkCodeOf(error);
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
  const message = clip(error.message.split("\n")[0]?.trim() || error.name);
  return typeof status === "number" ? `HTTP ${status}: ${message}` : message;
}

/** The longest reason kept: an error message can carry a whole response body from a server. */
export const ERROR_REASON_MAX_CHARS = 4000;

function clip(text: string): string {
  return text.length > ERROR_REASON_MAX_CHARS
    ? `${text.slice(0, ERROR_REASON_MAX_CHARS)}… (${text.length - ERROR_REASON_MAX_CHARS} more characters)`
    : text;
}

/** A failed TLS handshake: what was wrong, Node's code for it, and how to fix it. */
export interface TlsProblem {
  /** Node's error code, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT` or `ERR_TLS_CERT_ALTNAME_INVALID`. */
  code: string;
  /** One line starting with "TLS error", naming the code. */
  reason: string;
  fix: string;
}

const TRUST_CA = "trust its CA by setting NODE_EXTRA_CA_CERTS to the CA's PEM file, or use a certificate from a public CA";

// What each certificate failure means for the user, by Node's (OpenSSL's) code.
const TLS_CODES: Record<string, { what: string; fix: string }> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: { what: "the server's certificate is self-signed", fix: TRUST_CA },
  SELF_SIGNED_CERT_IN_CHAIN: { what: "the server's certificate chain ends in a self-signed CA that is not trusted", fix: TRUST_CA },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { what: "the server's certificate is signed by an unknown CA", fix: TRUST_CA },
  UNABLE_TO_GET_ISSUER_CERT: { what: "the server's certificate is signed by an unknown CA", fix: TRUST_CA },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { what: "the server's certificate is signed by an unknown CA", fix: TRUST_CA },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    what: "the server's certificate is for another host name (hostname mismatch)",
    fix: "use the host name the certificate names in the URL, or give the server a certificate for this name",
  },
  CERT_HAS_EXPIRED: { what: "the server's certificate has expired", fix: "renew the server's certificate (or check this machine's clock)" },
  CERT_NOT_YET_VALID: { what: "the server's certificate is not valid yet", fix: "check this machine's clock, or the certificate's dates" },
  ERR_SSL_WRONG_VERSION_NUMBER: {
    what: "the server does not speak TLS",
    fix: "use http:// instead of https:// for this server",
  },
};

/**
 * The TLS failure behind a failed request, if that is what it was (fetch reports it as `fetch failed`
 * with the handshake's error a few causes down).
 *
 * @example
 * tlsProblemOf(await fetch("https://self-signed.example").catch((e) => e))?.code; // "DEPTH_ZERO_SELF_SIGNED_CERT"
 */
export function tlsProblemOf(error: unknown): TlsProblem | undefined {
  return findInCauses(error, (e) => {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") return undefined;
    const known = TLS_CODES[code];
    if (known) return { code, reason: `TLS error: ${known.what} (${code})`, fix: known.fix };
    if (/^(ERR_TLS_|ERR_SSL_|CERT_)/.test(code)) {
      const detail = (e as Error).message?.split("\n")[0] ?? "";
      return {
        code,
        reason: `TLS error: ${detail || "the handshake failed"} (${code})`,
        fix: "check the server's TLS setup and the URL's scheme",
      };
    }
    return undefined;
  });
}

/**
 * The network error code behind a failed request (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`...),
 * if the server was not reached at all.
 *
 * @example
 * networkCodeOf(await fetch("http://127.0.0.1:9").catch((e) => e)); // "ECONNREFUSED"
 */
export function networkCodeOf(error: unknown): string | undefined {
  return findInCauses(error, (e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code) ? code : undefined;
  });
}

/**
 * The fix for a server that could not be reached: a TLS failure's own fix, else `otherwise`
 * (start the server, correct the address...), which would mislead when the server did answer.
 *
 * @example
 * unreachableFix(error, "start Ollama (`ollama serve`) or set OLLAMA_HOST");
 */
export function unreachableFix(error: unknown, otherwise: string): string {
  return tlsProblemOf(error)?.fix ?? otherwise;
}

/**
 * Why a reachability probe got no answer: its timeout, or the network error.
 *
 * @example
 * describeProbeFailure(error, 3_000); // "no answer within 3000 ms"
 */
export function describeProbeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  // The fix goes with the finding, on a line of its own.
  return tlsProblemOf(error)?.reason ?? describeError(error);
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
