import type { ModelBackend } from "../config/presets.js";
import { describeError } from "./describeError.js";
import { resolveOllamaUrl } from "./endpoints.js";

/** What `--backend` accepts: a backend, or `auto` to pick one. */
export type BackendChoice = ModelBackend | "auto";

export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "ollama", "llamacpp", "openai"];

/** The backend chosen, and the one-line reason shown to the user. */
export interface ChosenBackend {
  backend: ModelBackend;
  reason: string;
}

/** Options of {@link chooseBackend}. */
export interface ChooseBackendOptions {
  requested?: BackendChoice;
  /** The Ollama server to probe; default `OLLAMA_HOST`, else 127.0.0.1:11434. */
  ollamaUrl?: string;
  /** How long an Ollama server may take to answer the probe. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Picks where a preset's models run. `auto` uses Ollama when a server answers at `OLLAMA_HOST`
 * (default 127.0.0.1:11434), since its models are already installed and it manages memory
 * across processes; otherwise the embedded llama.cpp backend, which needs nothing installed.
 *
 * @example
 * const { backend, reason } = await chooseBackend({ requested: "auto" });
 * console.error(`backend: ${backend} (${reason})`);
 */
export async function chooseBackend({ requested = "auto", ollamaUrl, timeoutMs = 1500, fetch: fetchImpl = fetch }: ChooseBackendOptions = {}): Promise<ChosenBackend> {
  if (requested !== "auto") return { backend: requested, reason: "chosen with --backend" };
  const url = ollamaUrl ?? resolveOllamaUrl();
  try {
    const response = await fetchImpl(`${url}/api/version`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => undefined)) as { version?: unknown } | undefined;
    if (response.ok && body && typeof body.version === "string") {
      return { backend: "ollama", reason: `Ollama ${body.version} answered at ${url}` };
    }
    return { backend: "llamacpp", reason: `the server at ${url} is not Ollama (HTTP ${response.status}); running GGUF models in-process` };
  } catch (error) {
    const why = error instanceof DOMException && error.name === "TimeoutError" ? `no answer in ${timeoutMs} ms` : describeError(error);
    return { backend: "llamacpp", reason: `no Ollama server at ${url} (${why}); running GGUF models in-process` };
  }
}
