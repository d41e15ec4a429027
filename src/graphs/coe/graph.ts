import { buildExpertsGraph } from "../experts/buildExpertsGraph.js";
import type { ResolvedCoETopology } from "../experts/resolveExperts.js";
import type { TopologyGraph } from "../topologyGraph.js";
import type { BuildContext } from "../types.js";

/**
 * Builds a Composition-of-Experts graph: `router` classifies the user's message into one of the
 * declared categories, the category's expert(s) answer in parallel (`expert/<name>` nodes), and
 * several experts feed the `aggregator`. Unknown or low-confidence inputs go to the fallback expert.
 * Every decision is in `routes`; every call (router included) in `answers`, for cost accounting.
 *
 * @example
 * const graph = buildCoETopology(loadConfig({ preset: "coe" }), { modelFactory: createChatModel, newGraph: newTopologyGraph, buildNested });
 */
export function buildCoETopology(topology: ResolvedCoETopology, context: BuildContext): TopologyGraph {
  return buildExpertsGraph(topology, context);
}
