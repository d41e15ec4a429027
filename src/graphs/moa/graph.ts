import { END, START, StateGraph } from "@langchain/langgraph";
import { ensureConfig, type ResolvedTopology } from "../../config/ensureConfig.js";
import type { MoAConfigInput } from "../../config/schema.js";
import type { SelfMoAConfigInput } from "../self-moa/configuration.js";
import { createChatModel, createModelSafely, type ModelFactory } from "../../models/createChatModel.js";
import { createAggregateNode } from "../../nodes/aggregate.js";
import { createProposeNode } from "../../nodes/propose.js";
import { createQuorumLayerNode } from "../../nodes/quorumLayer.js";
import { MoAInput, MoAState } from "../../state/moaState.js";

/** Options for {@link buildMoAGraph}. */
export interface BuildMoAGraphOptions {
  /** The topology: a config object (models as reference strings or chat model instances) or one already resolved. */
  config: MoAConfigInput | SelfMoAConfigInput | ResolvedTopology;
  /** Creates each agent's chat model; defaults to {@link createChatModel}. */
  modelFactory?: ModelFactory;
}

/**
 * Builds a Mixture-of-Agents graph: one node per agent, each layer fanned out in parallel from
 * the previous one and joined before the next (a barrier), then the final aggregator.
 *
 * A failing agent is recorded in `answers` with its error and left out of the next layer's
 * references; the run fails only when a whole layer has no answer. A layer with `quorum` runs as one
 * node that goes on without its stragglers.
 *
 * @example
 * import { MemorySaver } from "@langchain/langgraph";
 * import { buildMoAGraph } from "langgraph-moa";
 *
 * const moa = buildMoAGraph({
 *   config: {
 *     layers: [{ agents: ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b", "ollama:gemma2:2b"] }],
 *     aggregator: "ollama:qwen2.5:3b",
 *   },
 * }).compile({ checkpointer: new MemorySaver(), name: "moa" });
 *
 * const state = await moa.invoke(
 *   { messages: [{ role: "user", content: "Why is the sky blue?" }] },
 *   { configurable: { thread_id: "demo" } },
 * );
 * console.log(state.messages.at(-1)?.text);
 */
export function buildMoAGraph({ config, modelFactory = createChatModel }: BuildMoAGraphOptions) {
  const topology = ensureConfig(config);
  // Node names come from the config, so the graph is typed with `string` node names.
  const graph = new StateGraph(MoAState, { input: MoAInput, nodes: [] as string[] });
  let previousLayer: string[] = [];
  topology.layers.forEach((layer, layerIndex) => {
    const quorum = topology.quorums[layerIndex];
    let ids: string[];
    if (quorum) {
      // A quorum layer is one node: see createQuorumLayerNode for why.
      const id = `layer${layerIndex + 1}`;
      const agents = layer.map((agent) => ({ agent, model: createModelSafely(agent, modelFactory) }));
      graph.addNode(id, createQuorumLayerNode({ agents, quorum }));
      ids = [id];
    } else {
      ids = layer.map((agent) => {
        graph.addNode(agent.id, createProposeNode({ agent, model: createModelSafely(agent, modelFactory) }));
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
  graph.addNode(aggregator.id, createAggregateNode({ agent: aggregator, model: createModelSafely(aggregator, modelFactory) }));
  graph.addEdge(previousLayer, aggregator.id);
  graph.addEdge(aggregator.id, END);
  return graph;
}
