import { buildExpertsGraph } from "../experts/buildExpertsGraph.js";
import type { ResolvedMosaicTopology } from "../experts/resolveExperts.js";
import type { TopologyGraph } from "../topologyGraph.js";
import type { BuildContext } from "../types.js";

/**
 * Builds the MOSAIC pipeline as one declared graph: [router picks k experts ->] experts in parallel
 * -> `gate` -> `aggregator` or straight to the end. The gate extracts each expert's final answer,
 * and when the largest agreeing share reaches the threshold it replies with the majority's answer
 * and skips the costly aggregator. Every decision, with its confidence and groups, is in `gates`.
 *
 * @example
 * const graph = buildMosaicTopology(loadConfig({ preset: "mosaic" }), { modelFactory: createChatModel, newGraph: newTopologyGraph, buildNested });
 */
export function buildMosaicTopology(topology: ResolvedMosaicTopology, context: BuildContext): TopologyGraph {
  return buildExpertsGraph(topology, context);
}
