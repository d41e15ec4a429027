import { END, START } from "@langchain/langgraph";
import { createModelSafely } from "../../models/createChatModel.js";
import { createAggregateNode } from "../../nodes/aggregate.js";
import { createProposeNode } from "../../nodes/propose.js";
import { createQuorumLayerNode } from "../../nodes/quorumLayer.js";
import { readsAnswers, type TopologyGraph } from "../topologyGraph.js";
import type { BuildContext } from "../types.js";
import type { ResolvedMoATopology, ResolvedSelfMoATopology } from "./configuration.js";

/**
 * Builds a Mixture-of-Agents graph: one node per agent, each layer fanned out in parallel from the
 * previous one and joined before the next (a barrier), then the final aggregator, whose tokens are
 * the reply.
 *
 * A failing agent is recorded in `answers` with its error and left out of the next layer's
 * references; the run fails only when a layer has fewer answers than its `minSuccessful`. A layer
 * with `quorum` runs as one node that goes on without its stragglers.
 *
 * @example
 * const graph = buildMoATopology(loadConfig({ preset: "moa-lite" }), { modelFactory, newGraph: newTopologyGraph, buildNested });
 */
export function buildMoATopology(
  topology: ResolvedMoATopology | ResolvedSelfMoATopology,
  { modelFactory, newGraph }: BuildContext,
): TopologyGraph {
  const graph = newGraph();
  let previousLayer: string[] = [];
  topology.layers.forEach((layer, layerIndex) => {
    const quorum = topology.quorums[layerIndex];
    let ids: string[];
    if (quorum) {
      // A quorum layer is one node: see createQuorumLayerNode for why.
      const id = `layer${layerIndex + 1}`;
      const agents = layer.map((agent) => ({ agent, model: createModelSafely(agent, modelFactory) }));
      graph.addNode(id, createQuorumLayerNode({ agents, quorum }), readsAnswers(graph));
      ids = [id];
    } else {
      ids = layer.map((agent) => {
        graph.addNode(agent.id, createProposeNode({ agent, model: createModelSafely(agent, modelFactory) }), readsAnswers(graph));
        return agent.id;
      });
    }
    for (const id of ids) {
      if (previousLayer.length === 0) graph.addEdge(START, id);
      else graph.addEdge(previousLayer, id);
    }
    previousLayer = ids;
  });
  const { aggregator } = topology;
  graph.addNode(
    aggregator.id,
    createAggregateNode({ agent: aggregator, model: createModelSafely(aggregator, modelFactory) }),
    readsAnswers(graph),
  );
  graph.addEdge(previousLayer, aggregator.id);
  graph.addEdge(aggregator.id, END);
  return graph;
}
