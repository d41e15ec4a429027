import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { ModelFactory, ResolvedAgent } from "../../config/ResolvedAgent.js";
import { buildTopologyGraph } from "../../graphs/buildTopologyGraph.js";
import { loadConfig } from "../../graphs/loadConfig.js";
import type { ResolvedTopology } from "../../graphs/resolvedTopology.js";
import type { ServedMixture } from "../mixtures/ServedMixture.js";

type CompiledMixtureGraph = ReturnType<ReturnType<typeof buildTopologyGraph>["compile"]>;

/** What a request may change of how a mixture runs. */
export interface RequestSettings {
  /** Caps every agent's generated tokens (`max_tokens`, `max_output_tokens`). */
  maxTokens?: number | undefined;
  /** Sampling temperature of the agents whose answer is the reply (see {@link replyAgentsOf}). */
  temperature?: number | undefined;
}

// Graphs by mixture and settings. Requests mostly use the defaults, so a few entries per mixture suffice.
const MAX_CACHED_PER_MIXTURE = 8;
const cache = new WeakMap<ServedMixture, Map<string, { topology: ResolvedTopology; graph: CompiledMixtureGraph }>>();

/**
 * The compiled graph that runs a mixture with a request's settings, over `checkpointer`: built once per
 * distinct settings and reused. A token cap reloads the topology capped (nested stages included).
 *
 * @example
 * const { graph, topology } = mixtureGraph({ mixture, settings: { maxTokens: 256 }, checkpointer });
 */
export function mixtureGraph({
  mixture,
  settings,
  checkpointer,
}: {
  mixture: ServedMixture;
  settings: RequestSettings;
  checkpointer: BaseCheckpointSaver | undefined;
}): { graph: CompiledMixtureGraph; topology: ResolvedTopology } {
  let graphs = cache.get(mixture);
  if (!graphs) cache.set(mixture, (graphs = new Map()));
  const key = JSON.stringify([settings.maxTokens ?? null, settings.temperature ?? null, checkpointer ? 1 : 0]);
  const hit = graphs.get(key);
  if (hit) {
    graphs.delete(key);
    graphs.set(key, hit);
    return hit;
  }
  const topology = settings.maxTokens === undefined ? mixture.topology : loadConfig({ ...mixture.source, maxTokens: settings.maxTokens });
  const modelFactory = withReplyTemperature(mixture.modelFactory, topology, settings.temperature);
  const graph = buildTopologyGraph({ topology, modelFactory }).compile({
    name: mixture.id,
    ...(checkpointer ? { checkpointer } : {}),
  });
  if (graphs.size >= MAX_CACHED_PER_MIXTURE) graphs.delete(graphs.keys().next().value!);
  const entry = { graph, topology };
  graphs.set(key, entry);
  return entry;
}

/**
 * The agents whose answer is the reply: the final aggregator, or, in a topology without one, its experts.
 * A client's `temperature` is about the reply it reads; the proposers keep the diversity their topology
 * declares.
 */
export function replyAgentsOf(topology: ResolvedTopology): Set<string> {
  const agents = [...topology.requirements.flat(), ...topology.optional];
  const finals = agents.filter((agent) => agent.role === "final");
  return new Set((finals.length ? finals : agents.filter((agent) => agent.role === "expert")).map((agent) => agent.id));
}

function withReplyTemperature(factory: ModelFactory, topology: ResolvedTopology, temperature: number | undefined): ModelFactory {
  if (temperature === undefined) return factory;
  const replyAgents = replyAgentsOf(topology);
  return (agent: ResolvedAgent) => factory(replyAgents.has(agent.id) ? { ...agent, settings: { ...agent.settings, temperature } } : agent);
}
