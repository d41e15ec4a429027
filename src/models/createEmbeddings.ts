import type { Embeddings } from "@langchain/core/embeddings";
import { OllamaEmbeddings } from "@langchain/ollama";
import { OpenAIEmbeddings } from "@langchain/openai";
import { resolveOllamaUrl, resolveOpenAIEndpoint } from "./endpoints.js";
import { fetchWithTimeout } from "./fetchWithTimeout.js";
import { parseModelRef } from "./parseModelRef.js";
import { definedOnly } from "../util/definedOnly.js";
import { RouterConfigError } from "../routing/RouterConfigError.js";

/** Options of {@link createEmbeddings}. */
export interface CreateEmbeddingsOptions {
  /** Server URL when the reference has no `@<url>`; else the environment decides (see below). */
  baseUrl?: string;
  /** Key for `openai:` models (else `apiKeyEnv`, else `OPENAI_API_KEY` as for chat models). */
  apiKey?: string;
  /** Name of the environment variable holding the key for `openai:` models. */
  apiKeyEnv?: string;
  /** Output vector length, for models that can shorten their vectors. */
  dimensions?: number;
  /** Per-request timeout. Default 120000 ms (embedding many examples on a CPU takes a while). */
  timeoutMs?: number;
  /** Retries of a failed request (not of 4xx answers such as an unknown model). Default 1. */
  maxRetries?: number;
  /** Environment to read `OLLAMA_HOST`, `OPENAI_BASE_URL` and keys from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_RETRIES = 1;

/**
 * Creates LangChain embeddings from a model reference, like chat models are created from theirs:
 *
 * - `ollama:<model>[@<url>]`: `OllamaEmbeddings` (Ollama's `POST /api/embed`). URL: the suffix, else
 *   `baseUrl`, else `OLLAMA_HOST`, else `OLLAMA_BASE_URL`, else `http://127.0.0.1:11434`. Over-long
 *   inputs are truncated to the model's context (LangChain's default would reject them).
 * - `openai:<model>[@<url>]`: `OpenAIEmbeddings` (`POST <url>/embeddings`, OpenAI-compatible). URL: the
 *   suffix, else `baseUrl`, else `OPENAI_BASE_URL`, else OpenAI's API; keys as for chat models. Vectors
 *   are requested as JSON floats, the one format every compatible server speaks: the openai SDK asks
 *   for base64 unless told otherwise, which several servers ignore (the v7 client bundled with
 *   @langchain/openai 1.6 copes with that; openai v4 turned such answers into zero vectors).
 *
 * A missing key throws at once (RouterConfigError) rather than on the first route.
 *
 * @example
 * const local = createEmbeddings("ollama:nomic-embed-text");
 * const vllm = createEmbeddings("openai:BAAI/bge-small-en-v1.5@http://127.0.0.1:8000/v1");
 * const vector = await local.embedQuery("How do I reset my password?");
 */
export function createEmbeddings(ref: string, options: CreateEmbeddingsOptions = {}): Embeddings {
  const { env = process.env, timeoutMs = DEFAULT_TIMEOUT_MS, maxRetries = DEFAULT_RETRIES, dimensions } = options;
  const parsed = parseModelRef(ref);
  const retry = { maxRetries, onFailedAttempt: stopOnClientError };
  if (parsed.provider === "ollama") {
    return new OllamaEmbeddings({
      model: parsed.model,
      baseUrl: resolveOllamaUrl(parsed.baseUrl ?? options.baseUrl, env),
      fetch: fetchWithTimeout(timeoutMs),
      truncate: true,
      ...definedOnly({ dimensions }),
      ...retry,
    });
  }
  if (parsed.provider === "openai") {
    const baseUrl = parsed.baseUrl ?? options.baseUrl;
    const endpoint = resolveOpenAIEndpoint(definedOnly({ baseUrl, apiKey: options.apiKey, apiKeyEnv: options.apiKeyEnv }), env);
    if (!endpoint.apiKey) {
      throw new RouterConfigError(`embeddings ${ref}: no API key for ${endpoint.baseUrl}; set ${endpoint.keySource}, or pass apiKey or apiKeyEnv`);
    }
    return new OpenAIEmbeddings({
      model: parsed.model,
      apiKey: endpoint.apiKey,
      configuration: { baseURL: endpoint.baseUrl },
      encodingFormat: "float",
      timeout: timeoutMs,
      ...definedOnly({ dimensions }),
      ...retry,
    });
  }
  throw new RouterConfigError(`embeddings ${ref}: "${parsed.provider}:" models cannot embed here; use an "ollama:" or "openai:" embedding model`);
}

/**
 * Retry policy: give up at once on an abort or a 4xx answer (unknown model, bad key, bad input), which
 * a retry cannot fix. LangChain's default policy reads `status` but not the Ollama client's
 * `status_code`, so without this an unknown Ollama model was retried with back-off.
 */
function stopOnClientError(error: unknown): void {
  if (typeof error !== "object" || error === null) return;
  const e = error as { name?: unknown; status?: unknown; status_code?: unknown; statusCode?: unknown };
  if (e.name === "AbortError" || e.name === "TimeoutError") throw error;
  const status = [e.status, e.status_code, e.statusCode].find((s): s is number => typeof s === "number");
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) throw error;
}
