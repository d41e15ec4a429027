import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { ensureRunConfiguration, runVariablesOf, type EnsuredRunConfiguration } from "../runConfiguration.js";
import { COE_PRESETS } from "./presets.js";
import type { ResolveContext } from "../types.js";
import {
  CategorySchema,
  checkCategories,
  checkQuorum,
  ExpertEntrySchema,
  ExpertListSchema,
  RouterConfigSchema,
  sharedExpertFields,
} from "../experts/expertsSchema.js";
import { resolveExperts, type ResolvedCoETopology } from "../experts/resolveExperts.js";

/**
 * Composition of Experts: a router picks a category, the category's expert(s) answer, and several
 * experts' answers feed an aggregator.
 *
 * @example
 * CoEConfigSchema.parse({
 *   topology: "coe",
 *   categories: ["math", "code"],
 *   router: { type: "rules", rules: [{ category: "code", keywords: ["python", "function"] }] },
 *   experts: { math: "ollama:qwen2.5-math:1.5b", code: "ollama:qwen2.5-coder:1.5b" },
 *   fallback: "ollama:llama3.2:3b",
 * });
 */
export const CoEConfigSchema = z
  .strictObject({
    ...sharedExpertFields,
    topology: z.literal("coe"),
    categories: z
      .array(CategorySchema)
      .min(1)
      .refine((list) => new Set(list).size === list.length, "a category is listed twice"),
    router: RouterConfigSchema,
    experts: z.record(z.string(), ExpertListSchema).describe("Category -> expert(s)"),
    fallback: ExpertEntrySchema.describe("Answers unknown and low-confidence inputs"),
  })
  .superRefine((config, ctx) => {
    checkCategories(config, ctx);
    checkQuorum(config, ctx);
  });

export type CoEConfigInput = z.input<typeof CoEConfigSchema>;
export type CoEConfig = z.output<typeof CoEConfigSchema>;

/**
 * Resolves a validated CoE config: the router (and its model, when an LLM), each distinct expert once
 * (`expert/<name>`), the category-to-experts map and the fallback.
 *
 * @example
 * resolveCoE(CoEConfigSchema.parse(config), context).routing.byCategory.math; // ["expert/qwen2.5-math-1.5b"]
 */
export function resolveCoE(config: CoEConfig, context: ResolveContext): ResolvedCoETopology {
  return resolveExperts({ ...config, kind: "coe" }, context) as ResolvedCoETopology;
}

/**
 * The run configuration of the served `coe` graph: the run's `configurable` (preset, configFile,
 * backend, maxTokens), else MOA_COE_CONFIG or MOA_COE_PRESET, else the `coe` preset.
 *
 * @example
 * ensureConfiguration({ configurable: { preset: "coe" } }).source; // { preset: "coe", topology: "coe", backend: "ollama" }
 */
export function ensureConfiguration(config?: RunnableConfig): EnsuredRunConfiguration {
  return ensureRunConfiguration(config, { kind: "coe", presets: COE_PRESETS, defaultPreset: "coe", ...runVariablesOf("coe") });
}
