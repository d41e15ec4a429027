import { ConfigError } from "../errors/ConfigError.js";
import { modelProvider, presetBackends } from "../models/providers/registry.js";
import type { Preset } from "./types.js";

// Presets are written with Ollama references; providers that serve models by name take the names.
const PRESET_PREFIX = "ollama:";

/**
 * A preset's config for a backend (a provider presets can run on): the model names for providers that
 * serve models by name, under that provider's prefix (Ollama; an OpenAI-compatible server such as
 * Ollama's `/v1`, vLLM or LM Studio serving those names), or the small GGUF files for providers that run
 * files (in-process llama.cpp).
 *
 * @example
 * loadConfig({ config: presetConfig(findPreset("moa-lite")!, "llamacpp"), source: "preset moa-lite" });
 */
export function presetConfig(preset: Preset, backend: string): Record<string, unknown> {
  const provider = modelProvider(backend);
  if (!provider?.presets) {
    const choices = presetBackends()
      .map((p) => `"${p.name}"`)
      .join(", ");
    throw new ConfigError([{ path: "backend", message: `presets cannot run on "${backend}"; expected one of ${choices}` }]);
  }
  if (provider.presets === "files") return preset.gguf;
  return renamePrefix(preset.config, PRESET_PREFIX, `${provider.name}:`) as Record<string, unknown>;
}

function renamePrefix(value: unknown, from: string, to: string): unknown {
  if (typeof value === "string") return value.startsWith(from) ? to + value.slice(from.length) : value;
  if (Array.isArray(value)) return value.map((item) => renamePrefix(item, from, to));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamePrefix(v, from, to)]));
  return value;
}
