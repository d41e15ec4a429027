import type { ModelRef } from "./ModelRef.js";
import { ModelRefError } from "./ModelRefError.js";
import { modelProvider, modelProviders } from "./providers/registry.js";

export type { ModelRef } from "./ModelRef.js";
export { ModelRefError } from "./ModelRefError.js";

/**
 * Parses a model reference string `<provider>:<rest>`; the provider named by the prefix reads the
 * rest. The built-in forms:
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
export function parseModelRef(text: string): ModelRef {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  if (colon <= 0) {
    throw new ModelRefError(`model reference "${text}" has no provider prefix; expected ${referenceForms()}`);
  }
  const prefix = trimmed.slice(0, colon).toLowerCase();
  const provider = modelProvider(prefix);
  if (!provider) {
    const prefixes = modelProviders().flatMap((p) => [p.name, ...(p.aliases ?? [])]);
    throw new ModelRefError(
      `unknown model provider "${prefix}" in "${text}"; expected one of ${prefixes.map((p) => `"${p}:"`).join(", ")}`,
    );
  }
  return provider.parseRef({ prefix, rest: trimmed.slice(colon + 1), text });
}

/**
 * Formats a parsed reference back to its string form (used in logs, tables and state).
 *
 * @example
 * formatModelRef(parseModelRef("ollama:qwen2.5:1.5b")); // "ollama:qwen2.5:1.5b"
 */
export function formatModelRef(ref: ModelRef): string {
  const custom = modelProvider(ref.provider)?.formatRef;
  if (custom) return custom(ref);
  return `${ref.provider}:${ref.model}${ref.baseUrl ? `@${ref.baseUrl}` : ""}`;
}

/** `"ollama:<name>[@<baseUrl>]", "openai:<name>[@<baseUrl>]" or "llamacpp:<path to .gguf>"`. */
export function referenceForms(): string {
  const forms = modelProviders()
    .flatMap((p) => p.syntax)
    .map((form) => `"${form}"`);
  return forms.length > 1 ? `${forms.slice(0, -1).join(", ")} or ${forms.at(-1)}` : (forms[0] ?? "");
}
