import type { ResolvedAgent } from "../config/ensureConfig.js";
import { ensureConfig } from "../config/ensureConfig.js";
import type { CoEConfigInput, MosaicConfigInput } from "./experts/expertsSchema.js";
import { readConfigFile } from "../config/loadConfig.js";
import { getPreset } from "../config/presets.js";
import { resolveExpertsTopology } from "./experts/resolveExperts.js";
import type { MoAConfigInput } from "../config/schema.js";
import type { SelfMoAConfigInput } from "./self-moa/configuration.js";
import { topologyKindOf, type TopologyKind } from "../config/topologyKind.js";
import { ConfigError } from "../errors/ConfigError.js";
import type { ModelFactory } from "../models/createChatModel.js";
import type { StageRunnable } from "../nodes/expert.js";
import type { MoAStateValue } from "../state/moaState.js";
import { buildExpertsGraph, EXPERTS_NODE } from "./experts/buildExpertsGraph.js";
import { buildMoAGraph } from "./moa/graph.js";
import path from "node:path";

/** Any topology config: MoA (default), Self-MoA, CoE or MOSAIC, told apart by `topology`. */
export type TopologyConfigInput = MoAConfigInput | SelfMoAConfigInput | CoEConfigInput | MosaicConfigInput;

/** A topology ready to run, with what the CLI needs to check and stream it. */
export interface TopologyPlan {
  kind: TopologyKind;
  name: string;
  graph: ReturnType<typeof buildMoAGraph>;
  /** Groups of agents of which at least one must be usable for the topology to answer. */
  requirements: ResolvedAgent[][];
  /** Agents the topology can answer without (an LLM router falls back), still worth probing. */
  optional: ResolvedAgent[];
  /** Whether `node`'s streamed tokens are the reply, given the state so far (a CoE decides per route). */
  isAnswerNode: (node: string, state: Pick<MoAStateValue, "routes"> | undefined) => boolean;
}

/** Options for {@link planTopology}. */
export interface PlanTopologyOptions {
  config: TopologyConfigInput;
  modelFactory?: ModelFactory;
  /** Named in error messages. */
  source?: string;
  /** Relative paths (GGUF files, stage config files) resolve against it. */
  baseDir?: string;
}

/**
 * Validates any topology config and builds its graph: the one entry point that dispatches on
 * `topology` (`moa`, `self-moa`, `coe`, `mosaic`). Nested stages are planned recursively.
 *
 * @example
 * const { graph } = planTopology({ config: { topology: "self-moa", model: "ollama:qwen2.5:7b", n: 4 } });
 * const answer = await graph.compile().invoke({ messages: [{ role: "user", content: "Hi" }] });
 */
export function planTopology({ config, modelFactory, source, baseDir }: PlanTopologyOptions): TopologyPlan {
  const kind = topologyKindOf(config, source);
  const factory = modelFactory ? { modelFactory } : {};
  if (kind === "moa" || kind === "self-moa") {
    const topology = ensureConfig(config as MoAConfigInput | SelfMoAConfigInput, { ...(source ? { source } : {}), ...(baseDir ? { baseDir } : {}) });
    return {
      kind,
      name: topology.name,
      graph: buildMoAGraph({ config: topology, ...factory }),
      requirements: [...topology.layers, [topology.aggregator]],
      optional: [],
      isAnswerNode: (node) => node === topology.aggregator.id,
    };
  }
  const topology = resolveExpertsTopology(config as CoEConfigInput | MosaicConfigInput, { ...(source ? { source } : {}), ...(baseDir ? { baseDir } : {}) });
  const stagePlans = new Map<string, TopologyPlan>();
  const compileStage = (stage: Record<string, unknown>, name: string): StageRunnable => {
    const stageSource = `${source ?? "config"} (stage ${name})`;
    const nested = "preset" in stage && Object.keys(stage).length === 1 ? stagePresetConfig(String(stage.preset), stageSource) : (stage as TopologyConfigInput);
    const plan = planTopology({ config: nested, ...factory, source: stageSource, ...(baseDir ? { baseDir } : {}) });
    stagePlans.set(name, plan);
    return plan.graph.compile({ name });
  };
  const graph = buildExpertsGraph({ topology, compileStage, ...factory });
  // Requirements: some expert must be usable, and the fallback (any input may go there) and the
  // aggregator must be. A stage's own requirements count only when it is the sole expert.
  const fallbackIds = new Set(topology.routing?.fallback ?? []);
  const agentExperts = topology.experts.flatMap((e) => (e.kind === "agent" && !fallbackIds.has(e.id) ? [e.agent] : []));
  const fallbackAgents = topology.experts.flatMap((e) => (e.kind === "agent" && fallbackIds.has(e.id) ? [e.agent] : []));
  const stageAgents = [...stagePlans.values()].flatMap((plan) => [...plan.requirements.flat(), ...plan.optional]);
  const expertIds = new Set(topology.experts.map((e) => e.id));
  const { aggregator, gate, routing } = topology;
  // A gate's reply is an expert's finished text (nothing streams); an expert answers directly when
  // there is no aggregator, or when the router chose it alone.
  const isAnswerNode = (node: string, state: Pick<MoAStateValue, "routes"> | undefined) =>
    node === aggregator?.id ||
    (!gate && (expertIds.has(node) || node === EXPERTS_NODE) && (!aggregator || (routing !== undefined && state?.routes.at(-1)?.experts.length === 1)));
  return {
    kind,
    name: topology.name,
    graph,
    requirements: [
      ...(agentExperts.length > 0 && stagePlans.size === 0 ? [agentExperts] : []),
      ...(fallbackAgents.length > 0 ? [fallbackAgents] : []),
      ...(topology.aggregator ? [[topology.aggregator]] : []),
    ],
    optional: [...(topology.routing?.routerAgent ? [topology.routing.routerAgent] : []), ...(stagePlans.size > 0 ? agentExperts : []), ...stageAgents],
    isAnswerNode,
  };
}

/**
 * Reads a topology file (YAML/JSON) and plans it; relative paths resolve against the file's folder.
 *
 * @example
 * const plan = planTopologyFile("examples/mosaic.yaml");
 */
export function planTopologyFile(file: string, modelFactory?: ModelFactory): TopologyPlan {
  return planTopology({ config: readConfigFile(file) as TopologyConfigInput, source: file, baseDir: path.dirname(path.resolve(file)), ...(modelFactory ? { modelFactory } : {}) });
}

function stagePresetConfig(name: string, source: string): TopologyConfigInput {
  const preset = getPreset(name);
  if (!preset) throw new ConfigError([{ path: "stage.preset", message: `unknown preset "${name}"` }], source);
  return preset.config;
}
