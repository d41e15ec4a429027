import { buildMoATopology } from "../moa/graph.js";
import type { ResolvedSelfMoATopology } from "../moa/configuration.js";
import type { TopologyGraph } from "../topologyGraph.js";
import type { BuildContext } from "../types.js";

/**
 * Builds a Self-MoA graph: one model sampled `n` times in parallel (seeds `seed`, `seed + 1`, ...),
 * then aggregated, by default by the same model. Nodes are `layer1/sample-1` ... and `aggregator`.
 *
 * @example
 * const graph = buildSelfMoATopology(loadConfig({ preset: "self-moa" }), { modelFactory: createChatModel, newGraph: newTopologyGraph, buildNested });
 */
export function buildSelfMoATopology(topology: ResolvedSelfMoATopology, context: BuildContext): TopologyGraph {
  return buildMoATopology(topology, context);
}
