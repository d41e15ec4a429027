import { z } from "zod";
import {
  AggregatorEntrySchema,
  ModelSettingsSchema,
  ModelSpecSchema,
  QuorumSchema,
  type MoAConfigInput,
} from "../../config/schema.js";

/**
 * Self-MoA: one strong model sampled `n` times (distinct seeds) as the proposers, then aggregated
 * (Li et al., 2025: mixing samples of the best model can beat mixing different models).
 *
 * @example
 * const config = SelfMoAConfigSchema.parse({ topology: "self-moa", model: "ollama:qwen2.5:7b", n: 4 });
 */
export const SelfMoAConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  topology: z.literal("self-moa"),
  name: z.string().min(1).max(128).optional(),
  description: z.string().optional(),
  model: ModelSpecSchema.describe("The model sampled n times"),
  n: z.number().int().min(2).max(32).describe("Samples per layer"),
  temperature: z.number().min(0).max(2).default(0.7).describe("Sampling temperature of the samples (diversity)"),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe("Seed of the first sample; sample i uses seed + i"),
  layers: z.number().int().min(1).max(8).default(1).describe("Sampling layers; later layers read the previous layer's samples"),
  systemPrompt: z.string().min(1).optional(),
  defaults: ModelSettingsSchema.optional().describe("Other settings of every call (maxTokens, timeoutMs, ...)"),
  quorum: QuorumSchema.optional().describe("Quorum fan-in for every sampling layer"),
  minSuccessful: z.number().int().min(1).optional().describe("Samples that must succeed in every layer (default 1)"),
  aggregator: AggregatorEntrySchema.optional().describe("Final aggregator; defaults to the same model"),
}).superRefine((config, ctx) => {
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
