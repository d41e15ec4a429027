import type { MosaicConfigInput } from "../experts/expertsSchema.js";
import type { ModelFactory } from "../../models/createChatModel.js";
import { planTopology } from "../planTopology.js";

/** Options for {@link buildMosaicGraph}. */
export interface BuildMosaicGraphOptions {
  config: Omit<MosaicConfigInput, "topology"> & { topology?: "mosaic" };
  modelFactory?: ModelFactory;
}

/**
 * Builds the MOSAIC pipeline as one declared graph: [router picks k experts ->] experts in parallel
 * -> `gate` -> `aggregator` or straight to the end. The gate extracts each expert's final answer,
 * and when the largest agreeing share reaches the threshold it replies with the majority's answer
 * and skips the costly aggregator. Every decision, with its confidence and groups, is in `gates`.
 *
 * @example
 * const mosaic = buildMosaicGraph({
 *   config: {
 *     experts: ["ollama:qwen2.5:1.5b", "ollama:llama3.2:3b", "ollama:gemma2:2b"],
 *     gate: { extractor: { type: "number" }, threshold: 2 / 3 },
 *     aggregator: "ollama:qwen2.5:7b",
 *   },
 * }).compile();
 */
export function buildMosaicGraph({ config, modelFactory }: BuildMosaicGraphOptions) {
  return planTopology({ config: { ...config, topology: "mosaic" } as MosaicConfigInput, ...(modelFactory ? { modelFactory } : {}) }).graph;
}
