import type { Embeddings } from "@langchain/core/embeddings";
import { ModelSetupError } from "./ModelSetupError.js";
import { parseModelRef } from "./parseModelRef.js";
import { providerOf } from "./providers/registry.js";
import type { Environment } from "../util/environment.js";

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
  env?: Environment;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_RETRIES = 1;

/**
 * Creates LangChain embeddings from a model reference, as chat models are created from theirs, through
 * the reference's provider:
 *
 * - `ollama:<model>[@<url>]`: Ollama's `POST /api/embed`. URL: the suffix, else `baseUrl`, else
 *   `OLLAMA_HOST`, else `OLLAMA_BASE_URL`, else `http://127.0.0.1:11434`. Over-long inputs are cut to
 *   the model's context.
 * - `openai:<model>[@<url>]`: `POST <url>/embeddings` (OpenAI-compatible). URL: the suffix, else
 *   `baseUrl`, else `OPENAI_BASE_URL`, else OpenAI's API; keys as for chat models; vectors as JSON floats.
 *
 * A provider that cannot embed, or a missing key for OpenAI's API, throws at once (`ModelSetupError`)
 * rather than on the first route.
 *
 * @example
 * const local = createEmbeddings("ollama:nomic-embed-text");
 * const vllm = createEmbeddings("openai:BAAI/bge-small-en-v1.5@http://127.0.0.1:8000/v1");
 * const vector = await local.embedQuery("How do I reset my password?");
 */
export function createEmbeddings(ref: string, options: CreateEmbeddingsOptions = {}): Embeddings {
  const { env = process.env, timeoutMs = DEFAULT_TIMEOUT_MS, maxRetries = DEFAULT_RETRIES, ...rest } = options;
  const parsed = parseModelRef(ref);
  const provider = providerOf(parsed);
  if (!provider.createEmbeddings) {
    throw new ModelSetupError(
      `embeddings ${ref}: "${parsed.provider}:" models cannot embed here; use an embedding model of a provider that can (e.g. "ollama:" or "openai:")`,
    );
  }
  return provider.createEmbeddings(parsed, { ...rest, timeoutMs, maxRetries, env });
}
