/**
 * Characters an answer may have per token of `maxTokens`. Real tokens average 3-5 characters; 16
 * leaves room for long tokens (runs of spaces, long words, code) while a server that ignores the
 * token limit (a 200 MB answer to `num_predict: 1024`) is stopped early.
 */
export const ANSWER_CHARS_PER_TOKEN = 16;

/** The most characters any answer may have, whatever `maxTokens` says. */
export const ANSWER_MAX_CHARS = 4_000_000;

/**
 * Bytes a model server may send for one call per token of `maxTokens`, wire framing included: a
 * streamed token costs ~100-300 bytes of NDJSON or SSE around it.
 */
export const RESPONSE_BYTES_PER_TOKEN = 1024;

/** Bytes allowed on top of the per-token allowance (headers of the stream, usage, the final record). */
export const RESPONSE_BASE_BYTES = 1024 * 1024;

/** The most bytes one response body may have, whatever `maxTokens` says. */
export const RESPONSE_MAX_BYTES = 64 * 1024 * 1024;

/** Bytes of an HTTP error body kept for the error message; the rest is discarded unread. */
export const ERROR_BODY_MAX_BYTES = 2048;

/**
 * The longest answer an agent with this `maxTokens` may return: longer ones fail the agent.
 *
 * @example
 * answerCharLimit(1024); // 16384
 */
export function answerCharLimit(maxTokens: number): number {
  return Math.min(ANSWER_MAX_CHARS, Math.max(1024, Math.ceil(maxTokens) * ANSWER_CHARS_PER_TOKEN));
}

/**
 * The most bytes one response body of a call with this `maxTokens` may have: a bound on memory
 * that holds for streamed and whole answers alike.
 *
 * @example
 * responseByteLimit(1024); // 2 MB
 */
export function responseByteLimit(maxTokens: number): number {
  return Math.min(RESPONSE_MAX_BYTES, RESPONSE_BASE_BYTES + Math.ceil(maxTokens) * RESPONSE_BYTES_PER_TOKEN);
}
