import { StateGraph, type BaseChannel } from "@langchain/langgraph";
import { InternalError } from "../errors/InternalError.js";
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

/** `addNode` options of a node that reads only `messages` and `answers` (see {@link readsAnswers}). */
export interface AnswersInputOptions {
  input: Record<"messages" | "answers", BaseChannel>;
}

/**
 * `addNode` options for a node that reads only the conversation and the answers (every node that
 * calls a model, the gate): LangGraph then hands it those two channels rather than the whole state.
 * Each task reads its input anew, so on graphs whose other channels stay empty (MoA, Self-MoA) this
 * saves what those channels would cost every node (measured at about 3% of a query's CPU). The
 * channels are the graph's own, so the same call serves library and served graphs.
 *
 * @example
 * graph.addNode(agent.id, createProposeNode({ agent, model }), readsAnswers(graph));
 */
export function readsAnswers(graph: TopologyGraph): AnswersInputOptions {
  const { messages, answers } = graph.channels;
  if (!messages || !answers) throw new InternalError("readsAnswers: the graph has no messages or answers channel");
  return { input: { messages, answers } };
}
