import { END, START } from "@langchain/langgraph";
import type { BuildContext } from "../../../src/graphs/types.js";
import type { TopologyGraph } from "../../../src/graphs/topologyGraph.js";
import { createModelSafely } from "../../../src/models/createChatModel.js";
import { createAggregateNode } from "../../../src/nodes/aggregate.js";
import { createProposeNode } from "../../../src/nodes/propose.js";
import type { ResolvedChainTopology } from "./configuration.js";

export function buildChainTopology(topology: ResolvedChainTopology, { modelFactory, newGraph }: BuildContext): TopologyGraph {
  const graph = newGraph();
  let previous: string = START;
  for (const agent of topology.agents) {
    const model = createModelSafely(agent, modelFactory);
    graph.addNode(agent.id, agent.role === "final" ? createAggregateNode({ agent, model }) : createProposeNode({ agent, model }));
    graph.addEdge(previous, agent.id);
    previous = agent.id;
  }
  graph.addEdge(previous, END);
  return graph;
}
