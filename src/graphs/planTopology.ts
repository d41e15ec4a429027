import type { ModelFactory } from "../config/ResolvedAgent.js";
import { buildTopologyGraph } from "./buildTopologyGraph.js";
import { loadConfig, type TopologySource } from "./loadConfig.js";
import type { TopologyGraph } from "./topologyGraph.js";
import type { ResolvedTopology } from "./resolvedTopology.js";

/** A topology ready to run: what it is, and its graph. */
export interface TopologyPlan {
  kind: string;
  name: string;
  topology: ResolvedTopology;
  /** Uncompiled: compile it with the checkpointer of your choice. */
  graph: TopologyGraph;
}

/** Options for {@link planTopology}: a topology source, and how agents' models are made. */
export interface PlanTopologyOptions extends TopologySource {
  modelFactory?: ModelFactory;
}

/**
 * Loads any topology (a file, a preset or an object, of any kind) and builds its graph.
 *
 * @example
 * const { graph } = planTopology({ config: { topology: "self-moa", model: "ollama:qwen2.5:7b", n: 4 } });
 * const state = await graph.compile().invoke({ messages: [{ role: "user", content: "Hi" }] });
 */
export function planTopology({ modelFactory, ...source }: PlanTopologyOptions = {}): TopologyPlan {
  const topology = loadConfig(source);
  return {
    kind: topology.kind,
    name: topology.name,
    topology,
    graph: buildTopologyGraph({ topology, ...(modelFactory ? { modelFactory } : {}) }),
  };
}
