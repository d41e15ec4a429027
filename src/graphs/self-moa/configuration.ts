import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { ensureRunConfiguration, runVariablesOf, type EnsuredRunConfiguration } from "../runConfiguration.js";
import { SELF_MOA_PRESETS } from "./presets.js";
import { AggregatorEntrySchema, ModelSpecSchema, QuorumSchema } from "../../config/agentSchema.js";
import { ModelSettingsSchema } from "../../models/modelSettings.js";
import type { ResolveContext } from "../types.js";
import { MoAConfigSchema, resolveMoA, type MoAConfigInput, type ResolvedSelfMoATopology } from "../moa/configuration.js";

/**
 * Self-MoA: one strong model sampled `n` times (distinct seeds) as the proposers, then aggregated
 * (Li et al., 2025: mixing samples of the best model can beat mixing different models).
 *
 * @example
 * const config = SelfMoAConfigSchema.parse({ topology: "self-moa", model: "ollama:qwen2.5:7b", n: 4 });
 */
export const SelfMoAConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    topology: z.literal("self-moa"),
    name: z.string().min(1).max(128).optional(),
    description: z.string().optional(),
    model: ModelSpecSchema.describe("The model sampled n times"),
    n: z.number().int().min(2).max(32).describe("Samples per layer"),
    temperature: z.number().min(0).max(2).default(0.7).describe("Sampling temperature of the samples (diversity)"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1)
      .describe("Seed of the first sample; sample i uses seed + i"),
    layers: z.number().int().min(1).max(8).default(1).describe("Sampling layers; later layers read the previous layer's samples"),
    systemPrompt: z.string().min(1).optional(),
    defaults: ModelSettingsSchema.optional().describe("Other settings of every call (maxTokens, timeoutMs, ...)"),
    quorum: QuorumSchema.optional().describe("Quorum fan-in for every sampling layer"),
    minSuccessful: z.number().int().min(1).optional().describe("Samples that must succeed in every layer (default 1)"),
    aggregator: AggregatorEntrySchema.optional().describe("Final aggregator; defaults to the same model"),
  })
  .superRefine((config, ctx) => {
    if (config.quorum && config.quorum.min > config.n) {
      ctx.addIssue({ code: "custom", path: ["quorum", "min"], message: `expected at most n = ${config.n}, got ${config.quorum.min}` });
    }
    if (config.minSuccessful !== undefined && config.minSuccessful > config.n) {
      ctx.addIssue({ code: "custom", path: ["minSuccessful"], message: `expected at most n = ${config.n}, got ${config.minSuccessful}` });
    }
  });

export type SelfMoAConfigInput = z.input<typeof SelfMoAConfigSchema>;
export type SelfMoAConfig = z.output<typeof SelfMoAConfigSchema>;

/**
 * Writes a Self-MoA config out as the MoA topology it is: `layers` layers of `n` seeded samples.
 * (A chat model instance given in code keeps its own sampling settings: seeds and temperature are
 * applied only to models created from references.)
 *
 * @example
 * expandSelfMoA(SelfMoAConfigSchema.parse({ topology: "self-moa", model: "ollama:m", n: 2 })).layers[0].agents;
 * // [{ name: "sample-1", model: "ollama:m", temperature: 0.7, seed: 1 }, { name: "sample-2", ..., seed: 2 }]
 */
export function expandSelfMoA(config: SelfMoAConfig): MoAConfigInput {
  const samples = Array.from({ length: config.n }, (_, i) => ({
    name: `sample-${i + 1}`,
    model: config.model,
    temperature: config.temperature,
    seed: config.seed + i,
  }));
  return {
    topology: "moa",
    name: config.name ?? "self-moa",
    ...(config.description !== undefined ? { description: config.description } : {}),
    defaults: { ...config.defaults, ...(config.systemPrompt !== undefined ? { systemPrompt: config.systemPrompt } : {}) },
    layers: Array.from({ length: config.layers }, () => ({
      agents: samples,
      ...(config.quorum ? { quorum: config.quorum } : {}),
      ...(config.minSuccessful !== undefined ? { minSuccessful: config.minSuccessful } : {}),
    })),
    aggregator: config.aggregator ?? { name: "aggregator", model: config.model },
  };
}

/**
 * Resolves a validated Self-MoA config into the MoA it describes (kind `self-moa`, nodes
 * `layer1/sample-1` ... and `aggregator`).
 *
 * @example
 * resolveSelfMoA(SelfMoAConfigSchema.parse({ topology: "self-moa", model: "ollama:m", n: 4 }), context).layers[0].length; // 4
 */
export function resolveSelfMoA(config: SelfMoAConfig, context: ResolveContext): ResolvedSelfMoATopology {
  // The expansion of a valid Self-MoA is a valid MoA: parse only fills the MoA schema's defaults.
  const moa = resolveMoA(MoAConfigSchema.parse(expandSelfMoA(config)), context);
  return { ...moa, kind: "self-moa" };
}

/**
 * The run configuration of the served `self-moa` graph: the run's `configurable` (preset, configFile,
 * backend, maxTokens), else MOA_SELF_MOA_CONFIG or MOA_SELF_MOA_PRESET, else the `self-moa` preset.
 *
 * @example
 * ensureConfiguration({ configurable: { preset: "self-moa" } }).source; // { preset: "self-moa", topology: "self-moa", backend: "ollama" }
 */
export function ensureConfiguration(config?: RunnableConfig): EnsuredRunConfiguration {
  return ensureRunConfiguration(config, {
    kind: "self-moa",
    presets: SELF_MOA_PRESETS,
    defaultPreset: "self-moa",
    ...runVariablesOf("self-moa"),
  });
}
