import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ConfigError } from "../errors/ConfigError.js";
import { expandSelfMoA, SelfMoAConfigSchema, type SelfMoAConfigInput } from "../graphs/self-moa/configuration.js";
import { topologyKindOf } from "./topologyKind.js";
import {
  MoAConfigSchema,
  isChatModel,
  type AgentConfig,
  type AggregatorConfig,
  type AggregatorFailurePolicy,
  type MoAConfig,
  type MoAConfigInput,
  type ModelSettings,
  type QuorumConfig,
} from "./schema.js";
import path from "node:path";
import { parseModelRef, type ModelRef } from "../models/parseModelRef.js";
import { definedOnly } from "../util/definedOnly.js";

/** Defaults applied when neither the agent, its layer nor the global defaults set a value. */
export const BUILTIN_SETTINGS = {
  temperature: 0.7,
  maxTokens: 1024,
  timeoutMs: 300_000,
  retries: 1,
  retryBackoffMs: 500,
} as const satisfies ModelSettings;

/**
 * Built-in aggregator failure policy. A reply the user can use (one proposer's answer, flagged as a
 * fallback in state and in the CLI) beats an error after every proposer already answered and was paid
 * for; `onFailure: fail` is there for pipelines that must never take an unaggregated answer.
 */
export const DEFAULT_AGGREGATOR_ON_FAILURE: AggregatorFailurePolicy = "best-proposer";

/** Where an agent sits in the topology. */
export type AgentRole = "proposer" | "aggregator" | "final" | "router" | "expert";

/** An agent with every setting filled in and its graph node id assigned. */
export interface ResolvedAgent {
  /** Graph node id, e.g. `layer1/qwen2.5-1.5b` or `aggregator`. */
  id: string;
  name: string;
  /** 1-based layer number; the final aggregator has `layers.length + 1`. */
  layer: number;
  /** Position within the layer as declared (0-based); references are numbered in this order. */
  index: number;
  role: AgentRole;
  /** Parsed reference, or the instance given in code. */
  model: ModelRef | BaseChatModel;
  /** Label for logs and tables: the reference string or the instance's class. */
  modelLabel: string;
  systemPrompt?: string;
  /** Instruction above the references; only for agents that see a previous layer. */
  aggregationPrompt?: string;
  /** For agents that read a previous layer (layers 2..n, final aggregators): the answers that layer must have. */
  previousLayerMinSuccessful?: number;
  /** Final aggregators only: what happens when the call fails. */
  onFailure?: AggregatorFailurePolicy;
  /**
   * In-process (llama.cpp) models only: the most calls the topology makes on this agent's model file
   * at once (its largest layer's agents on that file). The model gets that many context sequences,
   * so memory is reserved for the concurrency the topology can use, and no more.
   */
  llamaSequences?: number;
  settings: ModelSettings & typeof BUILTIN_SETTINGS;
}

const RESOLVED = Symbol.for("langgraph-moa.resolvedTopology");

/** A validated topology, ready to build into a graph. Only {@link ensureConfig} makes one. */
export interface ResolvedTopology {
  readonly [RESOLVED]: true;
  name: string;
  layers: ResolvedAgent[][];
  /** Quorum settings by layer index (0-based); absent for layers that wait for every agent. */
  quorums: Array<QuorumConfig | undefined>;
  /** Answers each layer needs for the run to go on, by layer index (0-based); 1 unless configured. */
  minSuccessful: number[];
  aggregator: ResolvedAgent;
}

/** Options for {@link ensureConfig}. */
export interface EnsureConfigOptions {
  /** Named in error messages, e.g. the config file path. */
  source?: string;
  /** Relative `llamacpp:` paths are resolved against this folder (the config file's); default: cwd. */
  baseDir?: string;
}

/**
 * Validates a Mixture-of-Agents configuration (`topology: moa`, the default, or `self-moa`, which is
 * expanded into the MoA it is) and fills every default, in the spirit of the LangGraph templates'
 * `ensureConfig()`: global defaults < layer defaults < agent settings.
 *
 * @example
 * const topology = ensureConfig({
 *   layers: [{ agents: ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b"] }],
 *   aggregator: "ollama:qwen2.5:3b",
 * });
 * topology.layers[0][0].id; // "layer1/qwen2.5-1.5b"
 */
export function ensureConfig(input: MoAConfigInput | SelfMoAConfigInput | ResolvedTopology, options: EnsureConfigOptions = {}): ResolvedTopology {
  if (isResolvedTopology(input)) return input;
  const kind = topologyKindOf(input, options.source);
  if (kind === "self-moa") {
    const selfMoA = SelfMoAConfigSchema.safeParse(input, { reportInput: true });
    if (!selfMoA.success) throw ConfigError.fromZod(selfMoA.error, options.source);
    return ensureConfig(expandSelfMoA(selfMoA.data), options);
  }
  if (kind !== "moa") {
    throw new ConfigError([{ path: "topology", message: `a "${kind}" topology is not a Mixture-of-Agents; build it with planTopology() or its own builder` }], options.source);
  }
  const parsed = MoAConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, options.source);
  return resolve(parsed.data, options.baseDir ?? process.cwd());
}

function resolve(config: MoAConfig, baseDir: string): ResolvedTopology {
  const { systemPrompt: defaultSystemPrompt, ...globalSettings } = config.defaults ?? {};
  const minSuccessful = config.layers.map((layer) => layer.minSuccessful ?? 1);
  const layers = config.layers.map((layer, layerIndex) => {
    const layerNumber = layerIndex + 1;
    const usedNames = new Set(
      layer.agents.flatMap((entry) => (isAgentObject(entry) && entry.name ? [entry.name] : [])),
    );
    return layer.agents.map((entry, index) => {
      const agent = toAgentObject(entry);
      const name = agent.name ?? uniqueName(deriveName(agent.model), usedNames);
      return buildAgent({
        agent,
        name,
        id: `layer${layerNumber}/${name}`,
        layer: layerNumber,
        index,
        role: layerIndex === 0 ? "proposer" : "aggregator",
        settings: [globalSettings, layer.defaults ?? {}],
        systemPrompt: agent.systemPrompt ?? defaultSystemPrompt,
        aggregationPrompt: layerIndex === 0 ? undefined : layer.aggregationPrompt,
        previousLayerMinSuccessful: layerIndex === 0 ? undefined : minSuccessful[layerIndex - 1],
        baseDir,
      });
    });
  });
  const { aggregationPrompt, onFailure, ...aggregatorEntry } = toAggregatorObject(config.aggregator);
  const aggregator = buildAgent({
    agent: aggregatorEntry,
    name: aggregatorEntry.name ?? "aggregator",
    id: "aggregator",
    layer: layers.length + 1,
    index: 0,
    role: "final",
    settings: [globalSettings],
    systemPrompt: aggregatorEntry.systemPrompt ?? defaultSystemPrompt,
    aggregationPrompt,
    previousLayerMinSuccessful: minSuccessful.at(-1),
    baseDir,
  });
  const quorums = config.layers.map((layer) => layer.quorum);
  const sequences = llamaSequencesByPath([...layers, [aggregator]]);
  const withSequences = (agent: ResolvedAgent): ResolvedAgent => {
    const count = "provider" in agent.model && agent.model.provider === "llamacpp" ? sequences.get(agent.model.path) : undefined;
    return count === undefined ? agent : { ...agent, llamaSequences: count };
  };
  return {
    [RESOLVED]: true,
    name: config.name ?? "moa",
    layers: layers.map((layer) => layer.map(withSequences)),
    quorums,
    minSuccessful,
    aggregator: { ...withSequences(aggregator), onFailure: onFailure ?? DEFAULT_AGGREGATOR_ON_FAILURE },
  };
}

interface BuildAgentArgs {
  agent: AgentConfig;
  name: string;
  id: string;
  layer: number;
  index: number;
  role: AgentRole;
  settings: ModelSettings[];
  systemPrompt: string | undefined;
  aggregationPrompt: string | undefined;
  previousLayerMinSuccessful?: number | undefined;
  baseDir: string;
}

function buildAgent({ agent, name, id, layer, index, role, settings, systemPrompt, aggregationPrompt, previousLayerMinSuccessful, baseDir }: BuildAgentArgs): ResolvedAgent {
  const { name: _name, model, systemPrompt: _sp, ...own } = agent;
  const merged = Object.assign({}, BUILTIN_SETTINGS, ...settings.map(definedOnly), definedOnly(own));
  const parsed = typeof model === "string" ? parseModelRef(model) : model;
  if ("provider" in parsed && parsed.provider === "llamacpp" && parsed.source === undefined) parsed.path = path.resolve(baseDir, parsed.path);
  return {
    id,
    name,
    layer,
    index,
    role,
    model: parsed,
    modelLabel: typeof model === "string" ? model : `${model.getName()} (instance)`,
    ...(systemPrompt !== undefined ? { systemPrompt } : {}),
    ...(aggregationPrompt !== undefined ? { aggregationPrompt } : {}),
    ...(previousLayerMinSuccessful !== undefined ? { previousLayerMinSuccessful } : {}),
    settings: merged,
  };
}

function toAgentObject(entry: MoAConfig["layers"][number]["agents"][number]): AgentConfig {
  return typeof entry === "string" || isChatModel(entry) ? { model: entry } : entry;
}

function toAggregatorObject(entry: MoAConfig["aggregator"]): AggregatorConfig {
  return typeof entry === "string" || isChatModel(entry) ? { model: entry } : entry;
}

/** For each GGUF file, the most agents of one layer that use it: the calls it serves at once. */
function llamaSequencesByPath(layers: ResolvedAgent[][]): Map<string, number> {
  const most = new Map<string, number>();
  for (const layer of layers) {
    const counts = new Map<string, number>();
    for (const { model } of layer) {
      if ("provider" in model && model.provider === "llamacpp") counts.set(model.path, (counts.get(model.path) ?? 0) + 1);
    }
    for (const [file, count] of counts) most.set(file, Math.max(most.get(file) ?? 0, count));
  }
  return most;
}

function isAgentObject(entry: unknown): entry is AgentConfig {
  return typeof entry === "object" && entry !== null && !isChatModel(entry);
}

/** `ollama:qwen2.5:1.5b` -> `qwen2.5-1.5b`; `llamacpp:/m/tiny.gguf` -> `tiny`. */
export function deriveName(model: string | BaseChatModel): string {
  if (typeof model !== "string") return sanitize(model.getName());
  const ref = parseModelRef(model);
  const raw = ref.provider === "llamacpp" ? (ref.path.split(/[\\/]/).pop() ?? "model").replace(/\.gguf$/i, "") : ref.model;
  return sanitize(raw.split("/").pop() ?? raw);
}

function sanitize(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 56);
  return cleaned.length > 0 ? cleaned : "agent";
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
  used.add(name);
  return name;
}

/** A brand, not a shape check: a config file can never pass itself off as already validated. */
export function isResolvedTopology(value: unknown): value is ResolvedTopology {
  return typeof value === "object" && value !== null && (value as { [RESOLVED]?: unknown })[RESOLVED] === true;
}
