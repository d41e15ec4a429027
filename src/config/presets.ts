import type { MoAConfigInput } from "./schema.js";
import type { SelfMoAConfigInput } from "./selfMoASchema.js";
import type { CoEConfigInput, MosaicConfigInput } from "./expertsSchema.js";
import type { TopologyKind } from "./topologyKind.js";

/** A built-in topology, documented with the models it uses. */
export interface Preset {
  name: string;
  topology: TopologyKind;
  description: string;
  config: MoAConfigInput | SelfMoAConfigInput | CoEConfigInput | MosaicConfigInput;
}

const SMALL_PROPOSERS = ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b", "ollama:gemma2:2b"];
const AGGREGATOR = "ollama:qwen2.5:3b";

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
  },
};

/** The preset used when a topology kind is asked for by name (`moa run --topology <kind>`). */
export const DEFAULT_PRESET_FOR: Record<TopologyKind, string> = { moa: "moa-lite", "self-moa": "self-moa", coe: "coe", mosaic: "mosaic" };

export const DEFAULT_PRESET = "moa-lite";

/** Returns a preset by name, or undefined. */
export function getPreset(name: string): Preset | undefined {
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}
