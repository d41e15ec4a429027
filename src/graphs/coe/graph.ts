import type { CoEConfigInput } from "../experts/expertsSchema.js";
import type { ModelFactory } from "../../models/createChatModel.js";
import { planTopology } from "../planTopology.js";

/** Options for {@link buildCoEGraph}. */
export interface BuildCoEGraphOptions {
  config: Omit<CoEConfigInput, "topology"> & { topology?: "coe" };
  modelFactory?: ModelFactory;
}

/**
 * Builds a Composition-of-Experts graph: `router` classifies the user's message into one of the
 * declared categories, the category's expert(s) answer in parallel (`expert/<name>` nodes), and
 * several experts feed the `aggregator`. Unknown or low-confidence inputs go to the fallback expert.
 * Every decision is in `routes`; every call (router included) in `answers`, for cost accounting.
 *
 * @example
 * const coe = buildCoEGraph({
 *   config: {
 *     categories: ["math", "code", "general"],
 *     router: { type: "llm", model: "ollama:qwen2.5:1.5b", threshold: 0.6 },
 *     experts: { math: "ollama:qwen2.5-math:1.5b", code: "ollama:qwen2.5-coder:1.5b" },
 *     fallback: "ollama:llama3.2:3b",
 *   },
 * }).compile();
 */
export function buildCoEGraph({ config, modelFactory }: BuildCoEGraphOptions) {
  return planTopology({ config: { ...config, topology: "coe" } as CoEConfigInput, ...(modelFactory ? { modelFactory } : {}) }).graph;
}
