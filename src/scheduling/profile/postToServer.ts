import { describeError, unreachableFix } from "../../models/describeError.js";
import { fetchWithBodyLimit } from "../../models/fetchWithBodyLimit.js";
import { fetchWithTimeout } from "../../models/fetchWithTimeout.js";
import { ModelsNotReadyError } from "../../models/ModelsNotReadyError.js";
import { refuseRedirects } from "../../models/refuseRedirects.js";
import { UnexpectedResponseError } from "../../models/UnexpectedResponseError.js";
import { isMoAError } from "../../errors/MoAError.js";
import { RunInterruptedError } from "../../errors/RunInterruptedError.js";
import { stripTerminalControls } from "../../util/stripTerminalControls.js";

/** Options of {@link postToServer}. */
export interface PostToServerOptions {
  url: string;
  body: unknown;
  /** Limit on the whole call (connect, answer and body), milliseconds. */
  timeoutMs: number;
  /** Most bytes a successful body may have. */
  maxBodyBytes: number;
  /** Who the server is, for messages: e.g. `the Ollama server at http://gpu-1:11434`. */
  server: string;
  /** How to start or point at the server, for the unreachable case. */
  startFix: string;
  signal?: AbortSignal | undefined;
}

/**
 * POSTs JSON to a model server that is not trusted: no redirect is followed, the body is bounded in
 * size and the call in time. A server that cannot be reached or does not answer in time is a
 * {@link ModelsNotReadyError} (exit 3); the caller reads the body of the response it gets.
 *
 * @example
 * const response = await postToServer({ url: `${base}/api/chat`, body, timeoutMs: 60_000, maxBodyBytes: 2e6, server, startFix });
 */
export async function postToServer({
  url,
  body,
  timeoutMs,
  maxBodyBytes,
  server,
  startFix,
  signal,
}: PostToServerOptions): Promise<Response> {
  const post = refuseRedirects(fetchWithBodyLimit({ inner: fetchWithTimeout(timeoutMs), maxBodyBytes }));
  try {
    return await post(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw callFailure({ error, server, startFix, timeoutMs, signal });
  }
}

/**
 * Reads a response body as text within the call's limits, turning a timeout or a broken connection
 * into the same errors as {@link postToServer}.
 */
export async function readBodyText({
  response,
  server,
  startFix,
  timeoutMs,
  signal,
}: {
  response: Response;
  server: string;
  startFix: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw callFailure({ error, server, startFix, timeoutMs, signal });
  }
}

/** The error for a call that failed before or while its answer arrived. */
export function callFailure({
  error,
  server,
  startFix,
  timeoutMs,
  signal,
}: {
  error: unknown;
  server: string;
  startFix: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}): unknown {
  if (signal?.aborted) return isMoAError(signal.reason) ? signal.reason : new RunInterruptedError("profiling stopped; nothing was written");
  if (isMoAError(error)) return error;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return new ModelsNotReadyError(`${server} did not answer within ${Math.round(timeoutMs / 1000)} s`, {
      code: "server_timeout",
      fix: "raise --timeout (loading a big model can take minutes), or check that the server is not stuck",
      cause: error,
    });
  // fetch refuses some addresses itself ("bad port"): its reason is one level down.
  const inner = (error as { cause?: { message?: unknown } } | null)?.cause?.message;
  const reason = describeError(error);
  const why = reason === "fetch failed" && typeof inner === "string" ? `${reason} (${inner})` : reason;
  return new ModelsNotReadyError(`${server} cannot be reached: ${why}`, {
    code: "server_unreachable",
    fix: unreachableFix(error, startFix),
    cause: error,
  });
}

/**
 * Parses a JSON object a server sent, or says it was not one.
 *
 * @example
 * parseServerJson({ text: '{"done":true}', server, what: "POST /api/chat" }); // { done: true }
 */
export function parseServerJson({ text, server, what }: { text: string; server: string; what: string }): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UnexpectedResponseError(
      `${server} answered ${what} with something that is not JSON (${quoteServerText(text)}); is the endpoint's kind right?`,
      "check workers[].endpoint: kind ollama speaks /api/chat, kind openai speaks /v1/chat/completions",
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new UnexpectedResponseError(`${server} answered ${what} with JSON that is not an object (${quoteServerText(text)})`);
  return value as Record<string, unknown>;
}

/** A short, printable excerpt of text from a server, for messages. */
export function quoteServerText(text: string, max = 120): string {
  const flat = stripTerminalControls(text).replace(/\s+/g, " ").trim();
  if (flat === "") return "an empty body";
  return `"${flat.length > max ? `${flat.slice(0, max)}…` : flat}"`;
}

/** The `error` message of an error body (Ollama's `{"error": "..."}` or OpenAI's `{"error": {"message": ...}}`), else the text. */
export function errorMessageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === "string") return body.error;
    const message = (body.error as { message?: unknown } | undefined)?.message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON: the text itself
  }
  return text;
}
