import { END, START } from "@langchain/langgraph";
import type { ResolvedExpertsTopology } from "./resolveExperts.js";
import { createModelSafely } from "../../models/createChatModel.js";
import { createAggregateNode } from "../../nodes/aggregate.js";
import { createExpertNode } from "../../nodes/expert.js";
import { createGateNode } from "../../nodes/gate.js";
import { createQuorumLayerNode } from "../../nodes/quorumLayer.js";
import { createRouteNode } from "../../nodes/route.js";
import { createRouterFromConfig } from "./createRouterFromConfig.js";
import type { MoAStateValue } from "../../state/moaState.js";
import { readsAnswers, type TopologyGraph } from "../topologyGraph.js";
import type { BuildContext } from "../types.js";
import { createExtractorFromConfig } from "./createExtractorFromConfig.js";

/** The node that runs all chosen experts when the topology has a quorum. */
export const EXPERTS_NODE = "experts";

/**
 * The shared shape of CoE and MOSAIC: [router ->] experts in parallel -> [gate ->] [aggregator].
 * Without a router every expert answers; without a gate or aggregator the chosen expert's answer
 * is the reply.
 *
 * @example
 * const graph = buildExpertsGraph(loadConfig({ preset: "mosaic" }), { modelFactory, newGraph: newTopologyGraph, buildNested });
 */
export function buildExpertsGraph(topology: ResolvedExpertsTopology, { modelFactory, newGraph, buildNested }: BuildContext): TopologyGraph {
  const graph = newGraph();
  const { routing, aggregator, gate } = topology;
  // With a router, an aggregator is only needed when the route picked several experts.
  const severalChosen = (state: MoAStateValue) => (state.routes.at(-1)?.experts.length ?? 0) > 1;
  let answersDirectly: boolean | ((state: MoAStateValue) => boolean);
  if (gate)
    answersDirectly = false; // the gate or the aggregator writes the reply
  else if (!aggregator) answersDirectly = true;
  else answersDirectly = routing ? (state) => !severalChosen(state) : false;
  // Nodes read the routes only to learn whether they answer directly or which experts to run.
  const expertInput = typeof answersDirectly === "function" ? undefined : readsAnswers(graph);
  // With a quorum, the chosen experts run inside one node (see createQuorumLayerNode), so the graph
  // has a single "experts" fan-in point; otherwise each expert is its own node.
  const expertIds = topology.quorum
    ? addQuorumNode()
    : topology.experts.map((expert) => {
        const node =
          expert.kind === "agent"
            ? createExpertNode({
                kind: "agent",
                agent: expert.agent,
                model: createModelSafely(expert.agent, modelFactory),
                final: answersDirectly,
              })
            : createExpertNode({
                kind: "stage",
                id: expert.id,
                name: expert.name,
                layer: topology.layers.experts,
                index: expert.index,
                stage: buildNested(expert.topology, expert.name),
                final: answersDirectly,
              });
        graph.addNode(expert.id, node, expertInput);
        return expert.id;
      });

  function addQuorumNode(): string[] {
    const agents = topology.experts.flatMap((e) =>
      e.kind === "agent" ? [{ agent: e.agent, model: createModelSafely(e.agent, modelFactory) }] : [],
    );
    const direct = answersDirectly;
    graph.addNode(
      EXPERTS_NODE,
      createQuorumLayerNode({
        agents,
        quorum: topology.quorum!,
        ...(routing ? { select: (state: MoAStateValue) => state.routes.at(-1)?.experts ?? routing.fallback } : {}),
        answersDirectly: (state) => (typeof direct === "function" ? direct(state) : direct),
      }),
      routing ? undefined : expertInput,
    );
    return [EXPERTS_NODE];
  }

  if (routing) {
    const router = createRouterFromConfig({
      config: routing.router,
      categories: topology.categories,
      ...(routing.routerAgent ? { model: createModelSafely(routing.routerAgent, modelFactory) } : {}),
    });
    const routeNode = createRouteNode({
      router,
      threshold: routing.router.threshold,
      categories: topology.categories,
      byCategory: routing.byCategory,
      fallback: routing.fallback,
      ...(routing.routerAgent ? { routerAgent: routing.routerAgent } : {}),
    });
    graph.addNode("router", routeNode, readsAnswers(graph));
    graph.addEdge(START, "router");
    if (topology.quorum) graph.addEdge("router", EXPERTS_NODE);
    else graph.addConditionalEdges("router", (state: MoAStateValue) => state.routes.at(-1)?.experts ?? routing.fallback, expertIds);
  } else {
    for (const id of expertIds) graph.addEdge(START, id);
  }

  // Plain edges, not a join: a router starts only some experts, and those all finish in one superstep.
  if (gate) {
    const extractor = createExtractorFromConfig(gate.extractor);
    graph.addNode(
      "gate",
      createGateNode({
        extractor,
        extractorName: gate.extractor.type,
        threshold: gate.threshold,
        layer: topology.layers.experts,
        minSuccessful: topology.minSuccessful,
      }),
      readsAnswers(graph),
    );
    for (const id of expertIds) graph.addEdge(id, "gate");
  }
  if (aggregator) {
    graph.addNode(
      aggregator.id,
      createAggregateNode({ agent: aggregator, model: createModelSafely(aggregator, modelFactory) }),
      readsAnswers(graph),
    );
    if (gate)
      graph.addConditionalEdges("gate", (state: MoAStateValue) => (state.gates.at(-1)?.skipped ? END : aggregator.id), [
        aggregator.id,
        END,
      ]);
    else if (routing) {
      const next = (state: MoAStateValue) => (severalChosen(state) ? aggregator.id : END);
      for (const id of expertIds) graph.addConditionalEdges(id, next, [aggregator.id, END]);
    } else for (const id of expertIds) graph.addEdge(id, aggregator.id);
    graph.addEdge(aggregator.id, END);
  } else if (gate) {
    graph.addEdge("gate", END);
  } else {
    for (const id of expertIds) graph.addEdge(id, END);
  }
  return graph;
}
