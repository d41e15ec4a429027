import type { MoAConfigInput } from "./schema.js";

/** A built-in topology, documented with the models it uses. */
export interface Preset {
  name: string;
  description: string;
  config: MoAConfigInput;
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
    description:
      "3 layers: 3 proposers -> 3 aggregating proposers (same models, seeing layer 1) -> aggregator qwen2.5:3b",
    config: {
      name: "moa",
      defaults: { temperature: 0.7, maxTokens: 512 },
      layers: [{ agents: SMALL_PROPOSERS }, { agents: SMALL_PROPOSERS }],
      aggregator: { name: "aggregator", model: AGGREGATOR, temperature: 0.3, maxTokens: 1024 },
    },
  },
};

export const DEFAULT_PRESET = "moa-lite";

/** Returns a preset by name, or undefined. */
export function getPreset(name: string): Preset | undefined {
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}
