import type { ResolvedSelfMoATopology } from "../moa/configuration.js";
import type { TopologyDefinition } from "../types.js";
import { resolveSelfMoA, SelfMoAConfigSchema, type SelfMoAConfig, ensureConfiguration } from "./configuration.js";
import { buildSelfMoATopology } from "./graph.js";
import { SELF_MOA_PRESETS } from "./presets.js";

/** Self-MoA: one model sampled n times, then aggregated. */
export const selfMoaTopology: TopologyDefinition<SelfMoAConfig, ResolvedSelfMoATopology> = {
  kind: "self-moa",
  description: "Self-MoA: one model sampled n times with distinct seeds, then aggregated",
  schema: SelfMoAConfigSchema,
  ensureConfiguration,
  resolve: resolveSelfMoA,
  build: buildSelfMoATopology,
  presets: SELF_MOA_PRESETS,
  defaultPreset: "self-moa",
};
