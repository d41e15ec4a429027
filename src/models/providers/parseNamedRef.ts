import { ModelRefError } from "../ModelRefError.js";
import type { ModelRef } from "../ModelRef.js";
import type { RefParts } from "./ModelProvider.js";

// A base URL may follow the model name after an "@", e.g. `ollama:llama3.2@http://gpu-box:11434`.
// Requiring the scheme keeps "@" usable inside model names that are not followed by a URL.
const BASE_URL_SUFFIX = /@(https?:\/\/\S+)$/;

/**
 * Reads `<name>[@<http(s) base URL>]`, the reference form of providers that serve models by name
 * (Ollama, OpenAI-compatible servers). An `@scheme://` that is not a usable http(s) URL is an error,
 * not part of the name.
 *
 * @example
 * parseNamedRef({ prefix: "ollama", rest: "llama3.2@http://gpu-box:11434", text }); // { provider: "ollama", model: "llama3.2", baseUrl: "http://gpu-box:11434" }
 */
export function parseNamedRef({ prefix, rest: written, text }: RefParts, provider: string = prefix): ModelRef {
  let rest = written;
  const schemeAt = /@([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (schemeAt && !/^https?$/i.test(schemeAt[1] ?? "")) {
    throw new ModelRefError(
      `model reference "${text}" has a base URL with an unsupported scheme "${schemeAt[1]}"; expected http:// or https://`,
    );
  }
  if (/@https?:\/\/?$/i.test(rest)) throw new ModelRefError(`model reference "${text}" has an empty base URL after "@"`);
  if (schemeAt && !BASE_URL_SUFFIX.test(rest))
    throw new ModelRefError(`model reference "${text}" has an invalid base URL "${rest.slice(schemeAt.index + 1)}"`);
  let baseUrl: string | undefined;
  const suffix = BASE_URL_SUFFIX.exec(rest);
  if (suffix?.[1]) {
    baseUrl = suffix[1];
    rest = rest.slice(0, suffix.index);
    try {
      new URL(baseUrl);
    } catch {
      throw new ModelRefError(`model reference "${text}" has an invalid base URL "${baseUrl}"`);
    }
  }
  if (/@https?:\/\/?$/i.test(rest) || /@https?:\/\/\s/i.test(rest)) {
    throw new ModelRefError(`model reference "${text}" has an empty base URL after "@"`);
  }
  if (rest.length === 0) throw new ModelRefError(`model reference "${text}" names no model after "${prefix}:"`);
  return baseUrl ? { provider, model: rest, baseUrl } : { provider, model: rest };
}
