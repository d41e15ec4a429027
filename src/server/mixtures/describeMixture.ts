import type { ResolvedAgent } from "../../config/ResolvedAgent.js";
import type { ResolvedTopology } from "../../graphs/resolvedTopology.js";

/** One agent as clients see it: enough to draw the topology and label its answers. */
export interface MixtureAgentDescription {
  /** The graph node id, as in every answer record (`layer1/qwen2.5-1.5b`, `expert/math`, `aggregator`). */
  id: string;
  name: string;
  role: ResolvedAgent["role"];
  /** The model reference, shortened for display (no credentials). */
  model: string;
}

/** A layer of agents that run in parallel; layers run in order. */
export interface MixtureLayerDescription {
  /** 1-based, as in answer records. */
  layer: number;
  agents: MixtureAgentDescription[];
}

/** What `GET /v1/models` says about a served mixture beyond OpenAI's fields (the `moa` extension). */
export interface MixtureDescription {
  /** The topology kind: `moa`, `self-moa`, `coe`, `mosaic`, or a registered one. */
  kind: string;
  /** The topology's own name (a preset's, a file's `name`). */
  name: string;
  layers: MixtureLayerDescription[];
  /** Number of agents across every layer. */
  agents: number;
  /** The router's node id, where the topology routes. */
  router?: string | undefined;
  /** The gate's threshold, where a confidence gate may skip the aggregator. */
  gate?: { threshold: number } | undefined;
}

/**
 * Describes a resolved topology by its layers and agents, for any kind: agents come from the topology's
 * requirement groups and optional agents, grouped by layer number, in declared order.
 *
 * @example
 * const { layers, agents } = describeMixture(loadConfig({ preset: "moa-lite" }));
 * layers[0].agents.map((agent) => agent.model);
 */
export function describeMixture(topology: ResolvedTopology): MixtureDescription {
  const seen = new Map<string, ResolvedAgent>();
  for (const agent of [...topology.requirements.flat(), ...topology.optional]) if (!seen.has(agent.id)) seen.set(agent.id, agent);
  const byLayer = new Map<number, ResolvedAgent[]>();
  for (const agent of seen.values()) byLayer.set(agent.layer, [...(byLayer.get(agent.layer) ?? []), agent]);
  const layers = [...byLayer.entries()]
    .sort(([a], [b]) => a - b)
    .map(([layer, agents]) => ({
      layer,
      agents: agents.sort((a, b) => a.index - b.index).map(({ id, name, role, modelLabel }) => ({ id, name, role, model: modelLabel })),
    }));
  const router = [...seen.values()].find((agent) => agent.role === "router");
  const gate = "gate" in topology && topology.gate ? { threshold: topology.gate.threshold } : undefined;
  return {
    kind: topology.kind,
    name: topology.name,
    layers,
    agents: seen.size,
    ...(router ? { router: router.id } : {}),
    ...(gate ? { gate } : {}),
  };
}
