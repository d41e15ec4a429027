import { cachePathFor, parseHfUri, ModelSourceError } from "./download/index.js";
import { MoAError } from "../errors/MoAError.js";

/** Where a model runs. */
export type ModelProvider = "ollama" | "openai" | "llamacpp";

/** A parsed model reference such as `ollama:qwen2.5:1.5b`. */
export type ModelRef =
  | { provider: "ollama"; model: string; baseUrl?: string }
  | { provider: "openai"; model: string; baseUrl?: string }
  | {
      provider: "llamacpp";
      /** The GGUF file: given, or where the model cache keeps a downloaded one. */
      path: string;
      /** The `hf:` URI the file is downloaded from on first use, when it came from one. */
      source?: string;
    };

export const MODEL_PROVIDERS: readonly ModelProvider[] = ["ollama", "openai", "llamacpp"];

/** Thrown when a model reference string cannot be understood. */
export class ModelRefError extends MoAError {
  constructor(message: string) {
    super(message, { code: "invalid_model_ref", category: "config" });
    this.name = "ModelRefError";
  }
}

// A base URL may follow the model name after an "@", e.g. `ollama:llama3.2@http://gpu-box:11434`.
// Requiring the scheme keeps "@" usable inside model names that are not followed by a URL.
const BASE_URL_SUFFIX = /@(https?:\/\/\S+)$/;

/**
 * Parses a model reference string. This is the one place that knows the syntax.
 *
 * - `ollama:<name>[@<baseUrl>]`: a model served by Ollama (base URL defaults to `OLLAMA_HOST`).
 * - `openai:<name>[@<baseUrl>]`: a model behind any OpenAI-compatible server.
 * - `llamacpp:<path to .gguf>`: a local GGUF file run in-process.
 * - `hf:<owner>/<repo>/<file.gguf>`: a GGUF file on Hugging Face, downloaded into the model cache on
 *   first use and run in-process (a `llamacpp` reference with a `source`).
 *
 * @example
 * parseModelRef("ollama:qwen2.5:1.5b"); // { provider: "ollama", model: "qwen2.5:1.5b" }
 * parseModelRef("openai:gpt-4o-mini@http://127.0.0.1:8000/v1");
 * parseModelRef("llamacpp:./models/qwen2.5-0.5b-instruct-q4_k_m.gguf");
 */
export function parseModelRef(ref: string): ModelRef {
  const trimmed = ref.trim();
  const colon = trimmed.indexOf(":");
  if (colon <= 0) {
    throw new ModelRefError(
      `model reference "${ref}" has no provider prefix; expected "ollama:<name>", "openai:<name>" or "llamacpp:<path to .gguf>"`,
    );
  }
  const provider = trimmed.slice(0, colon).toLowerCase();
  let rest = trimmed.slice(colon + 1);
  if (provider === "hf") {
    try {
      const source = parseHfUri(trimmed);
      return { provider: "llamacpp", path: cachePathFor(source), source: trimmed };
    } catch (error) {
      if (error instanceof ModelSourceError) throw new ModelRefError(error.message);
      throw error;
    }
  }
  if (!isProvider(provider)) {
    throw new ModelRefError(
      `unknown model provider "${provider}" in "${ref}"; expected one of ${[...MODEL_PROVIDERS, "hf"].map((p) => `"${p}:"`).join(", ")}`,
    );
  }
  if (provider === "llamacpp") {
    if (rest.length === 0) throw new ModelRefError(`model reference "${ref}" names no GGUF file after "llamacpp:"`);
    return { provider, path: rest };
  }
  let baseUrl: string | undefined;
  // "@<scheme>://" after the name must be a usable http(s) URL; anything else is a typo, not a name.
  const schemeAt = /@([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (schemeAt && !/^https?$/i.test(schemeAt[1] ?? "")) {
    throw new ModelRefError(`model reference "${ref}" has a base URL with an unsupported scheme "${schemeAt[1]}"; expected http:// or https://`);
  }
  if (/@https?:\/\/?$/i.test(rest)) throw new ModelRefError(`model reference "${ref}" has an empty base URL after "@"`);
  if (schemeAt && !BASE_URL_SUFFIX.test(rest)) throw new ModelRefError(`model reference "${ref}" has an invalid base URL "${rest.slice(schemeAt.index + 1)}"`);
  const suffix = BASE_URL_SUFFIX.exec(rest);
  if (suffix?.[1]) {
    baseUrl = suffix[1];
    rest = rest.slice(0, suffix.index);
    try {
      new URL(baseUrl);
    } catch {
      throw new ModelRefError(`model reference "${ref}" has an invalid base URL "${baseUrl}"`);
    }
  }
  if (/@https?:\/\/?$/i.test(rest) || /@https?:\/\/\s/i.test(rest)) {
    throw new ModelRefError(`model reference "${ref}" has an empty base URL after "@"`);
  }
  if (rest.length === 0) throw new ModelRefError(`model reference "${ref}" names no model after "${provider}:"`);
  return baseUrl ? { provider, model: rest, baseUrl } : { provider, model: rest };
}

/** Formats a parsed reference back to its string form (used in logs, tables and state). */
export function formatModelRef(ref: ModelRef): string {
  if (ref.provider === "llamacpp") return ref.source ?? `llamacpp:${ref.path}`;
  return `${ref.provider}:${ref.model}${ref.baseUrl ? `@${ref.baseUrl}` : ""}`;
}

function isProvider(value: string): value is ModelProvider {
  return (MODEL_PROVIDERS as readonly string[]).includes(value);
}
