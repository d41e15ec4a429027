import type { Preset } from "../types.js";
import { AGGREGATOR, GGUF_AGGREGATOR, GGUF_PROPOSERS, SMALL_PROPOSERS } from "../presetModels.js";

/** MOSAIC presets: experts answer, and the aggregator runs only when they disagree. */
export const MOSAIC_PRESETS: readonly Preset[] = [
  {
    name: "mosaic",
    kind: "mosaic",
    description: "MOSAIC: 3 small experts answer; if 2 of 3 agree on the final number the answer is theirs, else qwen2.5:3b aggregates",
    config: {
      topology: "mosaic",
      name: "mosaic",
      defaults: { temperature: 0.3, maxTokens: 768 },
      experts: SMALL_PROPOSERS,
      gate: { extractor: { type: "number" }, threshold: 2 / 3 },
      aggregator: { name: "aggregator", model: AGGREGATOR, temperature: 0.2, maxTokens: 1024 },
    },
    ggufDescription: "MOSAIC on the 3 GGUF proposers of moa-lite; Qwen2.5-1.5B aggregates when fewer than 2 of 3 agree",
    gguf: {
      topology: "mosaic",
      name: "mosaic",
      defaults: { temperature: 0.3, maxTokens: 512 },
      experts: GGUF_PROPOSERS,
      gate: { extractor: { type: "number" }, threshold: 2 / 3 },
      aggregator: { ...GGUF_AGGREGATOR, temperature: 0.2, maxTokens: 768 },
    },
  },
];
