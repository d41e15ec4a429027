import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ConfigError } from "./ConfigError.js";
import {
  MoAConfigSchema,
  isChatModel,
  type AgentConfig,
  type MoAConfig,
  type MoAConfigInput,
  type ModelSettings,
} from "./schema.js";
import path from "node:path";
import { parseModelRef, type ModelRef } from "../models/parseModelRef.js";

/** Defaults applied when neither the agent, its layer nor the global defaults set a value. */
export const BUILTIN_SETTINGS = {
  temperature: 0.7,
  maxTokens: 1024,
  timeoutMs: 300_000,
  retries: 1,
} as const satisfies ModelSettings;

/** Where an agent sits in the topology. */
export type AgentRole = "proposer" | "aggregator" | "final";

/** An agent with every setting filled in and its graph node id assigned. */
export interface ResolvedAgent {
  /** Graph node id, e.g. `layer1/qwen2.5-1.5b` or `aggregator`. */
  id: string;
  name: string;
  /** 1-based layer number; the final aggregator has `layers.length + 1`. */
  layer: number;
  role: AgentRole;
  /** Parsed reference, or the instance given in code. */
  model: ModelRef | BaseChatModel;
  /** Label for logs and tables: the reference string or the instance's class. */
  modelLabel: string;
  systemPrompt?: string;
  /** Instruction above the references; only for agents that see a previous layer. */
  aggregationPrompt?: string;
  settings: ModelSettings & typeof BUILTIN_SETTINGS;
}

/** A validated topology, ready to build into a graph. */
export interface ResolvedTopology {
  name: string;
  layers: ResolvedAgent[][];
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
 * Validates a configuration and fills every default, in the spirit of the LangGraph templates'
 * `ensureConfig()`: global defaults < layer defaults < agent settings.
 *
 * @example
 * const topology = ensureConfig({
 *   layers: [{ agents: ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b"] }],
 *   aggregator: "ollama:qwen2.5:3b",
 * });
 * topology.layers[0][0].id; // "layer1/qwen2.5-1.5b"
 */
export function ensureConfig(input: MoAConfigInput | ResolvedTopology, options: EnsureConfigOptions = {}): ResolvedTopology {
  if (isResolvedTopology(input)) return input;
  const parsed = MoAConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, options.source);
  return resolve(parsed.data, options.baseDir ?? process.cwd());
}

function resolve(config: MoAConfig, baseDir: string): ResolvedTopology {
  const { systemPrompt: defaultSystemPrompt, ...globalSettings } = config.defaults ?? {};
  const layers = config.layers.map((layer, layerIndex) => {
    const layerNumber = layerIndex + 1;
    const usedNames = new Set(
      layer.agents.flatMap((entry) => (isAgentObject(entry) && entry.name ? [entry.name] : [])),
    );
    return layer.agents.map((entry) => {
      const agent = toAgentObject(entry);
      const name = agent.name ?? uniqueName(deriveName(agent.model), usedNames);
      return buildAgent({
        agent,
        name,
        id: `layer${layerNumber}/${name}`,
        layer: layerNumber,
        role: layerIndex === 0 ? "proposer" : "aggregator",
        settings: [globalSettings, layer.defaults ?? {}],
        systemPrompt: agent.systemPrompt ?? defaultSystemPrompt,
        aggregationPrompt: layerIndex === 0 ? undefined : layer.aggregationPrompt,
        baseDir,
      });
    });
  });
  const aggregatorEntry = toAgentObject(config.aggregator);
  const aggregationPrompt =
    typeof config.aggregator === "object" && !isChatModel(config.aggregator)
      ? config.aggregator.aggregationPrompt
      : undefined;
  const aggregator = buildAgent({
    agent: aggregatorEntry,
    name: aggregatorEntry.name ?? "aggregator",
    id: "aggregator",
    layer: layers.length + 1,
    role: "final",
    settings: [globalSettings],
    systemPrompt: aggregatorEntry.systemPrompt ?? defaultSystemPrompt,
    aggregationPrompt,
    baseDir,
  });
  return { name: config.name ?? "moa", layers, aggregator };
}

interface BuildAgentArgs {
  agent: AgentConfig;
  name: string;
  id: string;
  layer: number;
  role: AgentRole;
  settings: ModelSettings[];
  systemPrompt: string | undefined;
  aggregationPrompt: string | undefined;
  baseDir: string;
}

function buildAgent({ agent, name, id, layer, role, settings, systemPrompt, aggregationPrompt, baseDir }: BuildAgentArgs): ResolvedAgent {
  const { name: _name, model, systemPrompt: _sp, ...own } = agent;
  const merged = Object.assign({}, BUILTIN_SETTINGS, ...settings.map(definedOnly), definedOnly(own));
  const parsed = typeof model === "string" ? parseModelRef(model) : model;
  if ("provider" in parsed && parsed.provider === "llamacpp") parsed.path = path.resolve(baseDir, parsed.path);
  return {
    id,
    name,
    layer,
    role,
    model: parsed,
    modelLabel: typeof model === "string" ? model : `${model.getName()} (instance)`,
    ...(systemPrompt !== undefined ? { systemPrompt } : {}),
    ...(aggregationPrompt !== undefined ? { aggregationPrompt } : {}),
    settings: merged,
  };
}

function toAgentObject(entry: MoAConfig["layers"][number]["agents"][number] | MoAConfig["aggregator"]): AgentConfig {
  if (typeof entry === "string" || isChatModel(entry)) return { model: entry };
  const { aggregationPrompt: _ignored, ...agent } = entry as AgentConfig & { aggregationPrompt?: string };
  return agent;
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

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function isResolvedTopology(value: unknown): value is ResolvedTopology {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<ResolvedTopology>;
  return Array.isArray(candidate.layers) && typeof candidate.aggregator === "object" && candidate.aggregator !== null && "id" in candidate.aggregator;
}
