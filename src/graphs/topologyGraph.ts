import { StateGraph } from "@langchain/langgraph";
import { MoAInput, MoAState } from "../state/moaState.js";

/**
 * A new graph over the state every topology shares (`messages`, `answers`, `routes`, `gates`), taking
 * only `messages` as input. Node names come from the config, so nodes are typed as `string`.
 *
 * @example
 * const graph = newTopologyGraph().addNode("aggregator", node).addEdge(START, "aggregator");
 */
export function newTopologyGraph() {
  return new StateGraph(MoAState, { input: MoAInput, nodes: [] as string[] });
}

/** The (uncompiled) graph of a topology. */
export type TopologyGraph = ReturnType<typeof newTopologyGraph>;
