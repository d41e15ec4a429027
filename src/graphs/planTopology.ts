import type { ResolvedAgent } from "../config/ensureConfig.js";
import { ensureConfig } from "../config/ensureConfig.js";
import type { CoEConfigInput, MosaicConfigInput } from "../config/expertsSchema.js";
import { readConfigFile } from "../config/loadConfig.js";
import { getPreset } from "../config/presets.js";
import { resolveExpertsTopology } from "../config/resolveExperts.js";
import type { MoAConfigInput } from "../config/schema.js";
import type { SelfMoAConfigInput } from "../config/selfMoASchema.js";
import { topologyKindOf, type TopologyKind } from "../config/topologyKind.js";
import { ConfigError } from "../config/ConfigError.js";
import type { ModelFactory } from "../models/createChatModel.js";
import type { StageRunnable } from "../nodes/expert.js";
import type { MoAStateValue } from "../state/moaState.js";
import { buildExpertsGraph } from "./buildExpertsGraph.js";
import { buildMoAGraph } from "./buildMoAGraph.js";
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
      isAnswerNode: (node) => node === topology.aggregator.id,
    };
  }
  const topology = resolveExpertsTopology(config as CoEConfigInput | MosaicConfigInput, { ...(source ? { source } : {}), ...(baseDir ? { baseDir } : {}) });
  const compileStage = (stage: Record<string, unknown>, name: string): StageRunnable => {
    const stageSource = `${source ?? "config"} (stage ${name})`;
    const nested = "preset" in stage && Object.keys(stage).length === 1 ? presetConfig(String(stage.preset), stageSource) : (stage as TopologyConfigInput);
    return planTopology({ config: nested, ...factory, source: stageSource, ...(baseDir ? { baseDir } : {}) }).graph.compile({ name });
  };
  const agentExperts = topology.experts.flatMap((e) => (e.kind === "agent" ? [e.agent] : []));
  const expertIds = new Set(topology.experts.map((e) => e.id));
  const { aggregator, gate, routing } = topology;
  // A gate's reply is an expert's finished text (nothing streams); an expert answers directly when
  // there is no aggregator, or when the router chose it alone.
  const isAnswerNode = (node: string, state: Pick<MoAStateValue, "routes"> | undefined) =>
    node === aggregator?.id || (!gate && expertIds.has(node) && (!aggregator || (routing !== undefined && state?.routes.at(-1)?.experts.length === 1)));
  return {
    kind,
    name: topology.name,
    graph: buildExpertsGraph({ topology, compileStage, ...factory }),
    requirements: [...(agentExperts.length > 0 ? [agentExperts] : []), ...(topology.aggregator ? [[topology.aggregator]] : [])],
    isAnswerNode,
  };
}

/** Reads a topology file (YAML/JSON) and plans it; relative paths resolve against the file's folder. */
export function planTopologyFile(file: string, modelFactory?: ModelFactory): TopologyPlan {
  return planTopology({ config: readConfigFile(file) as TopologyConfigInput, source: file, baseDir: path.dirname(path.resolve(file)), ...(modelFactory ? { modelFactory } : {}) });
}

function presetConfig(name: string, source: string): TopologyConfigInput {
  const preset = getPreset(name);
  if (!preset) throw new ConfigError([{ path: "stage.preset", message: `unknown preset "${name}"` }], source);
  return preset.config;
}
