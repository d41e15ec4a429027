import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { BUILTIN_SETTINGS, type ModelSettings } from "../models/modelSettings.js";
import { isModelRef, type ModelRef } from "../models/ModelRef.js";
import { parseModelRef } from "../models/parseModelRef.js";
import { modelProvider, providerOf } from "../models/providers/registry.js";
import { definedOnly } from "../util/definedOnly.js";
import { redactCredentials } from "../util/redactCredentials.js";
import { isChatModel, type AgentConfig, type AggregatorFailurePolicy } from "./agentSchema.js";
import type { AgentRole, ResolvedAgent } from "./ResolvedAgent.js";

/** An agent as a config may write it: a reference string, a chat model instance (in code), or an object. */
export type AgentEntry = string | BaseChatModel | AgentConfig;

/** Where and what an agent is in its topology. */
export interface AgentPlacement {
  id: string;
  name: string;
  layer: number;
  index: number;
  role: AgentRole;
}

/** Options of {@link resolveAgent}. */
export interface ResolveAgentOptions {
  placement: AgentPlacement;
  /** Settings below the agent's own, most general first (global defaults, then layer defaults). */
  inherited?: readonly ModelSettings[];
  /** The agent's system prompt when it sets none. */
  systemPrompt?: string | undefined;
  aggregationPrompt?: string | undefined;
  previousLayerMinSuccessful?: number | undefined;
  onFailure?: AggregatorFailurePolicy | undefined;
  /** Relative file references resolve against this folder (the config file's). */
  baseDir: string;
}

/**
 * Resolves one agent of an already validated config: settings merge as built-in defaults < inherited
 * (global, layer) < the agent's own, the reference is parsed and its relative parts resolved against
 * the config's folder, by the reference's provider.
 *
 * @example
 * resolveAgent("ollama:qwen2.5:1.5b", { placement: { id: "layer1/q", name: "q", layer: 1, index: 0, role: "proposer" }, baseDir: process.cwd() });
 */
export function resolveAgent(
  entry: AgentEntry,
  { placement, inherited = [], systemPrompt, aggregationPrompt, previousLayerMinSuccessful, onFailure, baseDir }: ResolveAgentOptions,
): ResolvedAgent {
  const agent = toAgentObject(entry);
  const { name: _name, model, systemPrompt: ownPrompt, ...own } = agent;
  const settings = Object.assign({}, BUILTIN_SETTINGS, ...inherited.map(definedOnly), definedOnly(own)) as ResolvedAgent["settings"];
  const prompt = ownPrompt ?? systemPrompt;
  return {
    ...placement,
    model: typeof model === "string" ? resolveRef(parseModelRef(model), baseDir) : model,
    // The label is shown and stored in every answer record: a base URL's password or key stays out.
    modelLabel: typeof model === "string" ? redactCredentials(model) : `${model.getName()} (instance)`,
    ...(prompt !== undefined ? { systemPrompt: prompt } : {}),
    ...(aggregationPrompt !== undefined ? { aggregationPrompt } : {}),
    ...(previousLayerMinSuccessful !== undefined ? { previousLayerMinSuccessful } : {}),
    ...(onFailure !== undefined ? { onFailure } : {}),
    settings,
  };
}

function resolveRef(ref: ModelRef, baseDir: string): ModelRef {
  const provider = providerOf(ref);
  return provider.resolveRef ? provider.resolveRef(ref, baseDir) : ref;
}

/** The object form of an agent entry. */
export function toAgentObject(entry: AgentEntry): AgentConfig {
  return typeof entry === "string" || isChatModel(entry) ? { model: entry } : entry;
}

/** The name an agent entry gives itself, or one derived from its model. */
export function agentNameOf(entry: AgentEntry): string {
  const agent = toAgentObject(entry);
  return agent.name ?? deriveName(agent.model);
}

/**
 * A node-id-friendly name from a model: `ollama:qwen2.5:1.5b` -> `qwen2.5-1.5b`,
 * `llamacpp:/m/tiny.gguf` -> `tiny`, an instance -> its class name.
 *
 * @example
 * deriveName("ollama:qwen2.5:1.5b"); // "qwen2.5-1.5b"
 */
export function deriveName(model: string | BaseChatModel): string {
  if (typeof model !== "string") return sanitize(model.getName());
  const ref = parseModelRef(model);
  const short = modelProvider(ref.provider)?.shortName?.(ref) ?? ref.model.split("/").pop() ?? ref.model;
  return sanitize(short);
}

function sanitize(raw: string): string {
  const cleaned = raw
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 56);
  return cleaned.length > 0 ? cleaned : "agent";
}

/**
 * Names for a list of entries, unique among themselves: explicit names are kept (the schema refuses
 * duplicates among them), derived ones get `-2`, `-3`... when they would collide.
 *
 * @example
 * uniqueAgentNames(["ollama:a", "ollama:a"]); // ["a", "a-2"]
 */
export function uniqueAgentNames(entries: readonly AgentEntry[]): string[] {
  const used = new Set(entries.flatMap((entry) => (typeof entry === "object" && !isChatModel(entry) && entry.name ? [entry.name] : [])));
  return entries.map((entry) => {
    const agent = toAgentObject(entry);
    if (agent.name) return agent.name;
    const base = deriveName(agent.model);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  });
}

/**
 * Gives every agent that calls a model by reference its `concurrentCalls`: the most agents of one
 * group (agents that run at once: a layer, the experts) that use the same model. An in-process
 * runtime reserves exactly that much concurrency.
 *
 * @example
 * const [layer1, [aggregator]] = withConcurrentCalls([layer1Agents, [aggregatorAgent]]);
 */
export function withConcurrentCalls(groups: readonly (readonly ResolvedAgent[])[]): ResolvedAgent[][] {
  const keyOf = ({ model }: ResolvedAgent) => (isModelRef(model) ? `${model.provider}|${model.model}|${model.baseUrl ?? ""}` : undefined);
  const most = new Map<string, number>();
  for (const group of groups) {
    const counts = new Map<string, number>();
    for (const agent of group) {
      const key = keyOf(agent);
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, count] of counts) most.set(key, Math.max(most.get(key) ?? 0, count));
  }
  return groups.map((group) =>
    group.map((agent) => {
      const key = keyOf(agent);
      return key === undefined ? agent : { ...agent, concurrentCalls: most.get(key)! };
    }),
  );
}
