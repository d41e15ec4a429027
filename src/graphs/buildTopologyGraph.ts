import type { ModelFactory } from "../config/ResolvedAgent.js";
import { ConfigError } from "../errors/ConfigError.js";
import { createChatModel } from "../models/createChatModel.js";
import { topologyDefinition } from "./registry.js";
import { newTopologyGraph, type TopologyGraph } from "./topologyGraph.js";
import type { BuildContext, ResolvedTopologyBase } from "./types.js";

/** Options of {@link buildTopologyGraph}. */
export interface BuildTopologyGraphOptions {
  /** A topology of any registered kind (from `loadConfig`). */
  topology: ResolvedTopologyBase;
  /** Creates each agent's chat model; default: through the agent's model provider. */
  modelFactory?: ModelFactory;
  /** A new empty graph over the shared state; replaced by the served graphs (see src/server). */
  newGraph?: () => TopologyGraph;
}

/**
 * Builds the (uncompiled) graph of any resolved topology, through its kind's registered builder.
 * Nested stages are compiled with the same model factory.
 *
 * @example
 * const graph = buildTopologyGraph({ topology: loadConfig({ preset: "mosaic" }) }).compile();
 */
export function buildTopologyGraph({
  topology,
  modelFactory = createChatModel,
  newGraph = newTopologyGraph,
}: BuildTopologyGraphOptions): TopologyGraph {
  const definition = topologyDefinition(topology.kind);
  if (!definition)
    throw new ConfigError([{ path: "topology", message: `no topology kind "${topology.kind}" is registered` }], topology.source);
  const context: BuildContext = {
    modelFactory,
    newGraph,
    buildNested: (nested, name) => buildTopologyGraph({ topology: nested, modelFactory }).compile({ name }),
  };
  return definition.build(topology as never, context);
}
