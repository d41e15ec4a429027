/**
 * Retry policy of LangChain clients we configure (embeddings): give up at once on an abort or a 4xx
 * answer (unknown model, bad key, bad input), which a retry cannot fix. LangChain's default policy
 * reads `status` but not the Ollama client's `status_code`, so without this an unknown Ollama model
 * was retried with back-off.
 *
 * @example
 * new OllamaEmbeddings({ model, maxRetries: 1, onFailedAttempt: stopOnClientError });
 */
export function stopOnClientError(error: unknown): void {
  if (typeof error !== "object" || error === null) return;
  const e = error as { name?: unknown; status?: unknown; status_code?: unknown; statusCode?: unknown };
  if (e.name === "AbortError" || e.name === "TimeoutError") throw error;
  const status = [e.status, e.status_code, e.statusCode].find((s): s is number => typeof s === "number");
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) throw error;
}
