import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { ensureRunConfiguration, runVariablesOf, type EnsuredRunConfiguration } from "../runConfiguration.js";
import { MOSAIC_PRESETS } from "./presets.js";
import { AggregatorEntrySchema } from "../../config/agentSchema.js";
import type { ResolveContext } from "../types.js";
import {
  CategorySchema,
  checkCategories,
  checkQuorum,
  ExpertEntrySchema,
  ExpertListSchema,
  GateConfigSchema,
  RouterConfigSchema,
  sharedExpertFields,
  type RouterConfig,
} from "../experts/expertsSchema.js";
import { resolveExperts, type ResolvedMosaicTopology } from "../experts/resolveExperts.js";

/**
 * MOSAIC: experts answer in parallel (all of them, or those a router picks), a confidence gate
 * compares their extracted answers, and the aggregator runs only when they disagree.
 */
export const MosaicConfigSchema = z
  .strictObject({
    ...sharedExpertFields,
    topology: z.literal("mosaic"),
    categories: z
      .array(CategorySchema)
      .min(1)
      .refine((list) => new Set(list).size === list.length, "a category is listed twice")
      .optional(),
    router: RouterConfigSchema.optional(),
    experts: z.union([z.array(ExpertEntrySchema).min(2), z.record(z.string(), ExpertListSchema)]),
    fallback: ExpertEntrySchema.optional(),
    gate: GateConfigSchema,
    aggregator: AggregatorEntrySchema,
  })
  .superRefine((config, ctx) => {
    checkQuorum(config, ctx);
    const routed = !Array.isArray(config.experts);
    if (routed && (!config.router || !config.categories || !config.fallback)) {
      ctx.addIssue({
        code: "custom",
        path: ["experts"],
        message: "experts by category need categories, a router and a fallback; or give a list of experts",
      });
      return;
    }
    if (!routed) {
      for (const key of ["router", "categories", "fallback"] as const) {
        if (config[key] !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `"${key}" needs experts by category (a mapping); with a list of experts every expert answers`,
          });
      }
    }
    if (config.gate.extractor.type === "cluster" && config.gate.extractor.similarity === "embedding" && !config.gate.extractor.embeddings) {
      ctx.addIssue({
        code: "custom",
        path: ["gate", "extractor", "embeddings"],
        message: "embedding similarity needs an embeddings reference",
      });
    }
    if (routed)
      checkCategories(
        config as { categories: string[]; experts: Record<string, unknown>; router: RouterConfig; aggregator?: unknown },
        ctx,
      );
  });

export type MosaicConfigInput = z.input<typeof MosaicConfigSchema>;
export type MosaicConfig = z.output<typeof MosaicConfigSchema>;

/**
 * Resolves a validated MOSAIC config: its experts (all answer, or those a router picks), the gate and
 * the aggregator that runs when the experts disagree.
 *
 * @example
 * resolveMosaic(MosaicConfigSchema.parse(config), context).gate.threshold; // 0.67
 */
export function resolveMosaic(config: MosaicConfig, context: ResolveContext): ResolvedMosaicTopology {
  return resolveExperts({ ...config, kind: "mosaic" }, context) as ResolvedMosaicTopology;
}

/**
 * The run configuration of the served `mosaic` graph: the run's `configurable` (preset, configFile,
 * backend, maxTokens), else MOA_MOSAIC_CONFIG or MOA_MOSAIC_PRESET, else the `mosaic` preset.
 *
 * @example
 * ensureConfiguration({ configurable: { preset: "mosaic" } }).source; // { preset: "mosaic", topology: "mosaic", backend: "ollama" }
 */
export function ensureConfiguration(config?: RunnableConfig): EnsuredRunConfiguration {
  return ensureRunConfiguration(config, { kind: "mosaic", presets: MOSAIC_PRESETS, defaultPreset: "mosaic", ...runVariablesOf("mosaic") });
}
