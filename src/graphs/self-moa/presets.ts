import type { Preset } from "../types.js";
import { AGGREGATOR, GGUF_AGGREGATOR, GGUF_MODELS } from "../presetModels.js";

/** Self-MoA presets: the strongest small model sampled several times, then aggregating its own samples. */
export const SELF_MOA_PRESETS: readonly Preset[] = [
  {
    name: "self-moa",
    kind: "self-moa",
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
    ggufDescription: "Self-MoA: Qwen2.5-1.5B (GGUF) sampled 4 times -> the same model aggregates",
    gguf: {
      topology: "self-moa",
      name: "self-moa",
      model: GGUF_MODELS.qwen15,
      n: 4,
      temperature: 0.8,
      defaults: { maxTokens: 384 },
      aggregator: { ...GGUF_AGGREGATOR, temperature: 0.3, maxTokens: 768 },
    },
  },
];
