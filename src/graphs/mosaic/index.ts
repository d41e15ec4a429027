import type { ResolvedMosaicTopology } from "../experts/resolveExperts.js";
import type { TopologyDefinition } from "../types.js";
import { MosaicConfigSchema, resolveMosaic, type MosaicConfig, ensureConfiguration } from "./configuration.js";
import { buildMosaicTopology } from "./graph.js";
import { MOSAIC_PRESETS } from "./presets.js";

/** MOSAIC: experts answer, a confidence gate skips the aggregator when they agree. */
export const mosaicTopology: TopologyDefinition<MosaicConfig, ResolvedMosaicTopology> = {
  kind: "mosaic",
  description: "MOSAIC: experts answer in parallel; a confidence gate skips the aggregator when they agree",
  schema: MosaicConfigSchema,
  ensureConfiguration,
  resolve: resolveMosaic,
  build: buildMosaicTopology,
  presets: MOSAIC_PRESETS,
  defaultPreset: "mosaic",
};
