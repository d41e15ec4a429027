import type { SelfMoAConfigInput } from "./configuration.js";
import type { ModelFactory } from "../../models/createChatModel.js";
import { buildMoAGraph } from "../moa/graph.js";

/** Options for {@link buildSelfMoAGraph}. */
export interface BuildSelfMoAGraphOptions {
  config: Omit<SelfMoAConfigInput, "topology"> & { topology?: "self-moa" };
  modelFactory?: ModelFactory;
}

/**
 * Builds a Self-MoA graph: one model sampled `n` times in parallel (seeds `seed`, `seed + 1`, ...),
 * then aggregated, by default by the same model. Nodes are `layer1/sample-1` ... and `aggregator`.
 *
 * @example
 * const selfMoA = buildSelfMoAGraph({ config: { model: "ollama:qwen2.5:7b", n: 4, temperature: 0.8 } }).compile();
 * const state = await selfMoA.invoke({ messages: [{ role: "user", content: "Prove that 17 is prime." }] });
 */
export function buildSelfMoAGraph({ config, modelFactory }: BuildSelfMoAGraphOptions) {
  return buildMoAGraph({ config: { ...config, topology: "self-moa" }, ...(modelFactory ? { modelFactory } : {}) });
}
