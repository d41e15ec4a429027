import type { TopologyDefinition } from "../types.js";
import { MoAConfigSchema, resolveMoA, type MoAConfig, type ResolvedMoATopology, ensureConfiguration } from "./configuration.js";
import { buildMoATopology } from "./graph.js";
import { MOA_PRESETS } from "./presets.js";

/** Mixture-of-Agents: layers of proposers, then a final aggregator. */
export const moaTopology: TopologyDefinition<MoAConfig, ResolvedMoATopology> = {
  kind: "moa",
  description: "Mixture-of-Agents: layers of proposers answer in parallel, aggregating layers refine, a final aggregator replies",
  schema: MoAConfigSchema,
  ensureConfiguration,
  resolve: resolveMoA,
  build: buildMoATopology,
  presets: MOA_PRESETS,
  defaultPreset: "moa-lite",
};
