import type { ResolvedCoETopology } from "../experts/resolveExperts.js";
import type { TopologyDefinition } from "../types.js";
import { CoEConfigSchema, resolveCoE, type CoEConfig, ensureConfiguration } from "./configuration.js";
import { buildCoETopology } from "./graph.js";
import { COE_PRESETS } from "./presets.js";

/** Composition of Experts: a router picks a category, the category's experts answer. */
export const coeTopology: TopologyDefinition<CoEConfig, ResolvedCoETopology> = {
  kind: "coe",
  description: "Composition of Experts: a router picks a category, its expert(s) answer, an aggregator combines several",
  schema: CoEConfigSchema,
  ensureConfiguration,
  resolve: resolveCoE,
  build: buildCoETopology,
  presets: COE_PRESETS,
  defaultPreset: "coe",
};
