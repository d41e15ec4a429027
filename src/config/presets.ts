import type { MoAConfigInput } from "./schema.js";
import type { SelfMoAConfigInput } from "../graphs/self-moa/configuration.js";
import type { CoEConfigInput, MosaicConfigInput } from "../graphs/experts/expertsSchema.js";
import type { TopologyKind } from "./topologyKind.js";

type PresetConfig = MoAConfigInput | SelfMoAConfigInput | CoEConfigInput | MosaicConfigInput;

/** Where a preset's models run: an Ollama server, in-process llama.cpp, or an OpenAI-compatible server. */
export type ModelBackend = "ollama" | "llamacpp" | "openai";

/** A built-in topology, documented with the models it uses. */
export interface Preset {
  name: string;
  topology: TopologyKind;
  description: string;
  /** The topology on Ollama models (the reference form; `openai` uses the same model names). */
  config: PresetConfig;
  /** The same topology on small GGUF models run in-process, downloaded on first use. */
  llamacpp: PresetConfig;
  /** What the llama.cpp variant runs, for `moa presets`. */
  llamacppDescription: string;
}

const SMALL_PROPOSERS = ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b", "ollama:gemma2:2b"];
const AGGREGATOR = "ollama:qwen2.5:3b";

/**
 * Small instruction-tuned GGUF models for the embedded backend, from their publishers' or
 * well-known quantisers' Hugging Face repositories. Checksums are not pinned: the download
 * verifies the SHA-256 Hugging Face publishes for each file.
 */
export const GGUF_MODELS = {
  qwen05: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf",
  smol360: "hf:bartowski/SmolLM2-360M-Instruct-GGUF/SmolLM2-360M-Instruct-Q8_0.gguf",
  llama1b: "hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
  qwen15: "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf",
  qwenCoder15: "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
} as const;

const GGUF_PROPOSERS = [
  { name: "qwen2.5-0.5b", model: GGUF_MODELS.qwen05, activeParams: "0.5B" },
  { name: "smollm2-360m", model: GGUF_MODELS.smol360, activeParams: "0.36B" },
  { name: "llama3.2-1b", model: GGUF_MODELS.llama1b, activeParams: "1.2B" },
];
const GGUF_AGGREGATOR = { name: "aggregator", model: GGUF_MODELS.qwen15, activeParams: "1.5B" };

/**
 * Built-in presets. Model choices follow the MoA paper's recipe at laptop scale: diverse small
 * proposers from three families, and the strongest of the set as the aggregator.
 */
export const PRESETS: Readonly<Record<string, Preset>> = {
  "moa-lite": {
    name: "moa-lite",
    topology: "moa",
    description: "3 small Ollama proposers (qwen2.5:1.5b, llama3.2:1b, gemma2:2b) -> aggregator qwen2.5:3b",
    config: {
      name: "moa-lite",
      defaults: { temperature: 0.7, maxTokens: 512 },
      layers: [{ agents: SMALL_PROPOSERS }],
      aggregator: { name: "aggregator", model: AGGREGATOR, temperature: 0.3, maxTokens: 1024 },
    },
    llamacppDescription: "3 in-process GGUF proposers (Qwen2.5-0.5B, SmolLM2-360M, Llama-3.2-1B) -> aggregator Qwen2.5-1.5B",
    llamacpp: {
      name: "moa-lite",
      defaults: { temperature: 0.7, maxTokens: 384 },
      layers: [{ agents: GGUF_PROPOSERS }],
      aggregator: { ...GGUF_AGGREGATOR, temperature: 0.3, maxTokens: 768 },
    },
  },
  moa: {
    name: "moa",
    topology: "moa",
    description:
      "3 layers: 3 proposers -> 3 aggregating proposers (same models, seeing layer 1) -> aggregator qwen2.5:3b",
    config: {
      name: "moa",
      defaults: { temperature: 0.7, maxTokens: 512 },
      layers: [{ agents: SMALL_PROPOSERS }, { agents: SMALL_PROPOSERS }],
      aggregator: { name: "aggregator", model: AGGREGATOR, temperature: 0.3, maxTokens: 1024 },
    },
    llamacppDescription: "2 layers of the 3 GGUF proposers of moa-lite -> aggregator Qwen2.5-1.5B",
    llamacpp: {
      name: "moa",
      defaults: { temperature: 0.7, maxTokens: 384 },
      layers: [{ agents: GGUF_PROPOSERS }, { agents: GGUF_PROPOSERS }],
      aggregator: { ...GGUF_AGGREGATOR, temperature: 0.3, maxTokens: 768 },
    },
  },
  "self-moa": {
    name: "self-moa",
    topology: "self-moa",
    description: "Self-MoA: qwen2.5:3b sampled 4 times (temperature 0.8, seeds 1-4) -> the same model aggregates",
    config: {
      topology: "self-moa",
      name: "self-moa",
      model: AGGREGATOR,
      n: 4,
      temperature: 0.8,
      defaults: { maxTokens: 512 },
      aggregator: { name: "aggregator", model: AGGREGATOR, temperature: 0.3, maxTokens: 1024 },
    },
    llamacppDescription: "Self-MoA: Qwen2.5-1.5B (GGUF) sampled 4 times -> the same model aggregates",
    llamacpp: {
      topology: "self-moa",
      name: "self-moa",
      model: GGUF_MODELS.qwen15,
      n: 4,
      temperature: 0.8,
      defaults: { maxTokens: 384 },
      aggregator: { ...GGUF_AGGREGATOR, temperature: 0.3, maxTokens: 768 },
    },
  },
  coe: {
    name: "coe",
    topology: "coe",
    description:
      "CoE: qwen2.5:1.5b routes to math (qwen2.5-math:1.5b), code (qwen2.5-coder:1.5b) or general (llama3.2:3b, also the fallback)",
    config: {
      topology: "coe",
      name: "coe",
      defaults: { temperature: 0.3, maxTokens: 768 },
      categories: ["math", "code", "general"],
      router: {
        type: "llm",
        model: "ollama:qwen2.5:1.5b",
        threshold: 0.5,
        descriptions: { math: "arithmetic, word problems, algebra, proofs", code: "programming, debugging, software", general: "everything else" },
      },
      experts: {
        math: { model: "ollama:qwen2.5-math:1.5b", activeParams: "1.5B" },
        code: { model: "ollama:qwen2.5-coder:1.5b", activeParams: "1.5B" },
        general: { model: "ollama:llama3.2:3b", activeParams: "3.2B" },
      },
      fallback: { model: "ollama:llama3.2:3b", activeParams: "3.2B" },
    },
    llamacppDescription: "CoE on GGUF models: keyword rules route to math (Qwen2.5-1.5B), code (Qwen2.5-Coder-1.5B) or general (Llama-3.2-1B, also the fallback)",
    llamacpp: {
      topology: "coe",
      name: "coe",
      defaults: { temperature: 0.3, maxTokens: 512 },
      categories: ["math", "code", "general"],
      // A 0.5B classifier is unreliable at structured output; rules cost nothing and are predictable.
      router: {
        type: "rules",
        rules: [
          { category: "code", keywords: ["code", "function", "python", "javascript", "typescript", "bug", "compile", "program"] },
          { category: "math", keywords: ["calculate", "solve", "equation", "sum", "product", "percent", "how many", "integral"], patterns: ["\\d+\\s*[-+*/^]\\s*\\d+"] },
        ],
      },
      experts: {
        math: { name: "math", model: GGUF_MODELS.qwen15, activeParams: "1.5B" },
        code: { name: "code", model: GGUF_MODELS.qwenCoder15, activeParams: "1.5B" },
        general: { name: "general", model: GGUF_MODELS.llama1b, activeParams: "1.2B" },
      },
      fallback: { name: "general", model: GGUF_MODELS.llama1b, activeParams: "1.2B" },
    },
  },
  mosaic: {
    name: "mosaic",
    topology: "mosaic",
    description: "MOSAIC: 3 small experts answer; if 2 of 3 agree on the final number the answer is theirs, else qwen2.5:3b aggregates",
    config: {
      topology: "mosaic",
      name: "mosaic",
      defaults: { temperature: 0.3, maxTokens: 768 },
      experts: SMALL_PROPOSERS,
      gate: { extractor: { type: "number" }, threshold: 2 / 3 },
      aggregator: { name: "aggregator", model: AGGREGATOR, temperature: 0.2, maxTokens: 1024 },
    },
    llamacppDescription: "MOSAIC on the 3 GGUF proposers of moa-lite; Qwen2.5-1.5B aggregates when fewer than 2 of 3 agree",
    llamacpp: {
      topology: "mosaic",
      name: "mosaic",
      defaults: { temperature: 0.3, maxTokens: 512 },
      experts: GGUF_PROPOSERS,
      gate: { extractor: { type: "number" }, threshold: 2 / 3 },
      aggregator: { ...GGUF_AGGREGATOR, temperature: 0.2, maxTokens: 768 },
    },
  },
};

/**
 * A preset's config for a backend: its Ollama models, its GGUF models run in-process, or the
 * Ollama model names on an OpenAI-compatible server (Ollama's `/v1`, vLLM, LM Studio and llama.cpp's
 * server can serve them under those names).
 *
 * @example
 * planTopology({ config: presetConfig(getPreset("moa-lite")!, "llamacpp"), source: "preset moa-lite" });
 */
export function presetConfig(preset: Preset, backend: ModelBackend): PresetConfig {
  if (backend === "llamacpp") return preset.llamacpp;
  if (backend === "openai") return renameProvider(preset.config, "ollama:", "openai:") as PresetConfig;
  return preset.config;
}

function renameProvider(value: unknown, from: string, to: string): unknown {
  if (typeof value === "string") return value.startsWith(from) ? to + value.slice(from.length) : value;
  if (Array.isArray(value)) return value.map((item) => renameProvider(item, from, to));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameProvider(v, from, to)]));
  return value;
}

/** The preset used when a topology kind is asked for by name (`moa run --topology <kind>`). */
export const DEFAULT_PRESET_FOR: Record<TopologyKind, string> = { moa: "moa-lite", "self-moa": "self-moa", coe: "coe", mosaic: "mosaic" };

export const DEFAULT_PRESET = "moa-lite";

/** Returns a preset by name, or undefined. */
export function getPreset(name: string): Preset | undefined {
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}
