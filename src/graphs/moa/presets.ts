import type { Preset } from "../types.js";
import { AGGREGATOR, GGUF_AGGREGATOR, GGUF_PROPOSERS, SMALL_PROPOSERS } from "../presetModels.js";

/**
 * Mixture-of-Agents presets. Model choices follow the MoA paper's recipe at laptop scale: diverse small
 * proposers from three families, and the strongest of the set as the aggregator.
 */
export const MOA_PRESETS: readonly Preset[] = [
  {
    name: "moa-lite",
    kind: "moa",
    description: "3 small Ollama proposers (qwen2.5:1.5b, llama3.2:1b, gemma2:2b) -> aggregator qwen2.5:3b",
    config: {
      name: "moa-lite",
      defaults: { temperature: 0.7, maxTokens: 512 },
      layers: [{ agents: SMALL_PROPOSERS }],
      aggregator: { name: "aggregator", model: AGGREGATOR, temperature: 0.3, maxTokens: 1024 },
    },
    ggufDescription: "3 in-process GGUF proposers (Qwen2.5-0.5B, SmolLM2-360M, Llama-3.2-1B) -> aggregator Qwen2.5-1.5B",
    gguf: {
      name: "moa-lite",
      defaults: { temperature: 0.7, maxTokens: 384 },
      layers: [{ agents: GGUF_PROPOSERS }],
      aggregator: { ...GGUF_AGGREGATOR, temperature: 0.3, maxTokens: 768 },
    },
  },
  {
    name: "moa-deep",
    kind: "moa",
    description: "3 layers: 3 proposers -> 3 refiners (same models, seeing layer 1) -> aggregator qwen2.5:3b",
    config: {
      name: "moa-deep",
      defaults: { temperature: 0.7, maxTokens: 512 },
      layers: [{ agents: SMALL_PROPOSERS }, { agents: SMALL_PROPOSERS }],
      aggregator: { name: "aggregator", model: AGGREGATOR, temperature: 0.3, maxTokens: 1024 },
    },
    ggufDescription: "2 layers of the 3 GGUF proposers of moa-lite -> aggregator Qwen2.5-1.5B",
    gguf: {
      name: "moa-deep",
      defaults: { temperature: 0.7, maxTokens: 384 },
      layers: [{ agents: GGUF_PROPOSERS }, { agents: GGUF_PROPOSERS }],
      aggregator: { ...GGUF_AGGREGATOR, temperature: 0.3, maxTokens: 768 },
    },
  },
];
