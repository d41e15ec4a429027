import { describeError, tlsProblemOf, unreachableFix } from "../../describeError.js";
import { ModelsNotReadyError } from "../../ModelsNotReadyError.js";

/** Options for {@link missingOllamaModels}. */
export interface MissingOllamaModelsOptions {
  /** Ollama server, e.g. `http://127.0.0.1:11434`. */
  baseUrl: string;
  /** Model names as `ollama pull` takes them. */
  models: readonly string[];
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
  /** Cancels the lookup. */
  signal?: AbortSignal;
}

/**
 * The models of `models` that the Ollama server does not have (per `GET /api/tags`), in the order
 * given and without repeats. `llama3.2` and `llama3.2:latest` name the same model. Rejects when the
 * server cannot be reached or does not answer like Ollama.
 *
 * @example
 * const missing = await missingOllamaModels({ baseUrl: "http://127.0.0.1:11434", models: ["llama3.2", "qwen2.5:1.5b"] });
 * for (const model of missing) await pullOllamaModel({ baseUrl: "http://127.0.0.1:11434", model });
 */
export async function missingOllamaModels({
  baseUrl,
  models,
  fetch: fetchImpl = globalThis.fetch,
  signal,
}: MissingOllamaModelsOptions): Promise<string[]> {
  const server = baseUrl.replace(/\/+$/, "");
  let response: Response;
  try {
    response = await fetchImpl(`${server}/api/tags`, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const why = tlsProblemOf(error) ? describeError(error) : `the Ollama server is not reachable (${describeError(error)})`;
    throw new ModelsNotReadyError(`could not list the models of ${server}: ${why}`, {
      cause: error,
      fix: unreachableFix(error, "start Ollama (`ollama serve`) or set OLLAMA_HOST"),
    });
  }
  const body = (await response.json().catch(() => undefined)) as { models?: unknown } | undefined;
  if (!response.ok || !body || !Array.isArray(body.models)) {
    throw new ModelsNotReadyError(
      `could not list the models of ${server}: GET /api/tags answered HTTP ${response.status} without a model list; is this an Ollama server?`,
    );
  }
  const have = new Set(
    body.models.flatMap((entry: unknown) => {
      const { name, model } = (typeof entry === "object" && entry !== null ? entry : {}) as { name?: unknown; model?: unknown };
      return [name, model].filter((n): n is string => typeof n === "string").map(canonicalName);
    }),
  );
  return [...new Set(models)].filter((name) => !have.has(canonicalName(name)));
}

/**
 * One spelling per model: Ollama adds `:latest` to a name without a tag, and matches names without
 * regard to case. The tag is looked for after the last `/` so a registry port (`host:5000/m`) is not one.
 *
 * @example
 * canonicalName("Llama3.2"); // "llama3.2:latest"
 */
export function canonicalName(name: string): string {
  const trimmed = name.trim().toLowerCase();
  return trimmed.slice(trimmed.lastIndexOf("/") + 1).includes(":") ? trimmed : `${trimmed}:latest`;
}
