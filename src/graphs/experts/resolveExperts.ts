import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { isChatModel, type AgentConfig, type AggregatorConfig, type QuorumConfig } from "../../config/agentSchema.js";
import { resolveAgent, uniqueAgentNames, withConcurrentCalls, type AgentEntry } from "../../config/resolveAgent.js";
import type { ResolvedAgent } from "../../config/ResolvedAgent.js";
import { ConfigError } from "../../errors/ConfigError.js";
import { formatPath } from "../../errors/formatZodIssues.js";
import type { ModelSettings } from "../../models/modelSettings.js";
import type { NestedTopologySource, PathSegment, ResolveContext, ResolvedTopologyBase } from "../types.js";
import type { ExpertEntry, ExtractorConfig, RouterConfig } from "./expertsSchema.js";

/** One expert: an agent that answers, or a nested topology run as a stage. */
export type ResolvedExpert =
  | { kind: "agent"; id: string; name: string; agent: ResolvedAgent }
  | { kind: "stage"; id: string; name: string; index: number; topology: ResolvedTopologyBase };

/** How a routed experts topology picks its experts. */
export interface ExpertRouting {
  router: RouterConfig;
  /** The LLM router's model as an agent (for model creation and cost), when the router is an LLM. */
  routerAgent?: ResolvedAgent;
  /** Expert ids by category; categories without experts use the fallback. */
  byCategory: Record<string, string[]>;
  fallback: string[];
}

/** What CoE and MOSAIC share once resolved: [router ->] experts -> [gate ->] [aggregator]. */
export interface ResolvedExpertsTopology extends ResolvedTopologyBase {
  readonly kind: "coe" | "mosaic";
  readonly categories: string[];
  /** Absent when every expert always answers (a MOSAIC with a list of experts). */
  readonly routing?: ExpertRouting;
  readonly experts: ResolvedExpert[];
  readonly gate?: { extractor: ExtractorConfig; threshold: number };
  /** Quorum fan-in over the chosen (agent) experts. */
  readonly quorum?: QuorumConfig;
  /** Answers the gate or aggregator needs from the chosen experts (at most the number chosen). */
  readonly minSuccessful: number;
  readonly aggregator?: ResolvedAgent;
  /** Layer numbers: the router's record, the experts', the aggregator's. */
  readonly layers: { router: number; experts: number; aggregator: number };
}

/** A resolved Composition of Experts: always routed. */
export interface ResolvedCoETopology extends ResolvedExpertsTopology {
  readonly kind: "coe";
  readonly routing: ExpertRouting;
}

/** A resolved MOSAIC: always gated, with the aggregator the gate escalates to. */
export interface ResolvedMosaicTopology extends ResolvedExpertsTopology {
  readonly kind: "mosaic";
  readonly gate: { extractor: ExtractorConfig; threshold: number };
  readonly aggregator: ResolvedAgent;
}

/** The validated config fields both experts topologies have (see expertsSchema.ts). */
export interface ExpertsConfig {
  kind: "coe" | "mosaic";
  name?: string | undefined;
  defaults?: (ModelSettings & { systemPrompt?: string | undefined }) | undefined;
  categories?: string[] | undefined;
  router?: RouterConfig | undefined;
  experts: ExpertEntry[] | Record<string, ExpertEntry | ExpertEntry[]>;
  fallback?: ExpertEntry | undefined;
  gate?: { extractor: ExtractorConfig; threshold: number } | undefined;
  quorum?: QuorumConfig | undefined;
  minSuccessful?: number | undefined;
  aggregator?: string | BaseChatModel | AggregatorConfig | undefined;
}

type StageEntry = { name: string; stage: NestedTopologySource };

/**
 * Resolves a validated CoE or MOSAIC config. Each distinct expert is resolved once, as an agent
 * (`expert/<name>`, the settings merged like an MoA layer's) or as a nested topology (a stage); in a
 * mapping, the same expert named under several categories (or as the fallback) is one expert, while in
 * a list every entry is its own expert, repeats included (they are sampled separately). Errors name
 * the user's own paths (`experts.code.name`, `experts[1].stage.layers`).
 *
 * @example
 * const topology = resolveExperts({ kind: "mosaic", experts: ["ollama:a", "ollama:b"], gate, aggregator: "ollama:c" }, context);
 * topology.experts.map((e) => e.id); // ["expert/a", "expert/b"]
 */
export function resolveExperts(config: ExpertsConfig, context: ResolveContext): ResolvedExpertsTopology {
  const { baseDir, source } = context;
  const routed = !Array.isArray(config.experts);
  const layers = routed ? { router: 1, experts: 2, aggregator: 3 } : { router: 0, experts: 1, aggregator: 2 };
  const { systemPrompt, ...globalSettings } = config.defaults ?? {};
  const inherited = [globalSettings];

  // Every distinct entry once, with the path where it was first written.
  const distinct: Array<{ entry: ExpertEntry; path: PathSegment[] }> = [];
  const keys: string[] = [];
  const add = (entry: ExpertEntry, path: PathSegment[], dedupe: boolean): number => {
    const key = sameExpertKey(entry);
    const found = dedupe ? keys.indexOf(key) : -1;
    if (found >= 0) return found;
    distinct.push({ entry, path });
    keys.push(key);
    return distinct.length - 1;
  };
  const byCategoryIndex: Record<string, number[]> = {};
  if (Array.isArray(config.experts)) config.experts.forEach((entry, i) => add(entry, ["experts", i], false));
  else {
    for (const [category, value] of Object.entries(config.experts)) {
      byCategoryIndex[category] = Array.isArray(value)
        ? value.map((entry, i) => add(entry, ["experts", category, i], true))
        : [add(value, ["experts", category], true)];
    }
  }
  const fallbackIndex = config.fallback !== undefined ? [add(config.fallback, ["fallback"], true)] : [];

  // Agents derive their names as an MoA layer's do: repeats of one model become `a`, `a-2`...
  const agentEntries = distinct.flatMap(({ entry }) => (isStage(entry) ? [] : [entry as AgentEntry]));
  const agentNames = uniqueAgentNames(agentEntries);
  let agentCursor = 0;
  const experts: ResolvedExpert[] = distinct.map(({ entry, path }, index) => {
    if (isStage(entry)) {
      return {
        kind: "stage",
        id: `expert/${entry.name}`,
        name: entry.name,
        index,
        topology: context.resolveNested(entry.stage, [...path, "stage"]),
      };
    }
    const name = agentNames[agentCursor++]!;
    const agent = resolveAgent(entry as AgentEntry, {
      placement: { id: `expert/${name}`, name, layer: layers.experts, index, role: "expert" },
      inherited,
      systemPrompt,
      baseDir,
    });
    return { kind: "agent", id: agent.id, name, agent };
  });
  assertUniqueNames(experts, distinct, context);
  const idAt = (index: number) => experts[index]!.id;
  const minSuccessful = config.minSuccessful ?? 1;
  if (minSuccessful > experts.length) {
    throw issue(context, ["minSuccessful"], `expected at most ${experts.length} (the number of experts), got ${minSuccessful}`);
  }

  const aggregator =
    config.aggregator !== undefined
      ? resolveAggregator(config.aggregator, { inherited, systemPrompt, baseDir, layer: layers.aggregator, minSuccessful })
      : undefined;
  const routerAgent =
    routed && config.router?.type === "llm"
      ? resolveRouterAgent(config.router.model, { inherited, baseDir, layer: layers.router })
      : undefined;

  // Agents that may run at once: the experts (a router may choose several), then the aggregator, the router.
  const agentExperts = experts.flatMap((e) => (e.kind === "agent" ? [e.agent] : []));
  const [withCalls = [], [finalAggregator] = [], [router] = []] = withConcurrentCalls([
    agentExperts,
    aggregator ? [aggregator] : [],
    routerAgent ? [routerAgent] : [],
  ]);
  const expertsWithCalls = experts.map((e) => (e.kind === "agent" ? { ...e, agent: withCalls.find((a) => a.id === e.id)! } : e));

  const fallbackIds = new Set(fallbackIndex.map(idAt));
  return {
    kind: config.kind,
    name: config.name ?? config.kind,
    source,
    categories: config.categories ?? [],
    ...(routed && config.router
      ? {
          routing: {
            router: config.router,
            ...(router ? { routerAgent: router } : {}),
            byCategory: Object.fromEntries(Object.entries(byCategoryIndex).map(([category, indexes]) => [category, indexes.map(idAt)])),
            fallback: fallbackIndex.map(idAt),
          },
        }
      : {}),
    experts: expertsWithCalls,
    ...(config.gate ? { gate: config.gate } : {}),
    ...(config.quorum ? { quorum: config.quorum } : {}),
    minSuccessful,
    ...(finalAggregator ? { aggregator: finalAggregator } : {}),
    layers,
    ...preflightGroups(expertsWithCalls, fallbackIds, finalAggregator, router),
  };
}

/**
 * Pre-flight groups: some expert must be usable, and the fallback (any input may go there) and the
 * aggregator must be. A stage's own requirements count only through the stage; its agents, and the
 * LLM router (which falls back when it fails), are probed but not required.
 */
function preflightGroups(
  experts: ResolvedExpert[],
  fallbackIds: Set<string>,
  aggregator: ResolvedAgent | undefined,
  router: ResolvedAgent | undefined,
) {
  const stages = experts.flatMap((e) => (e.kind === "stage" ? [e] : []));
  const plain = experts.flatMap((e) => (e.kind === "agent" && !fallbackIds.has(e.id) ? [e.agent] : []));
  const fallback = experts.flatMap((e) => (e.kind === "agent" && fallbackIds.has(e.id) ? [e.agent] : []));
  // Named after their stage (`expert/panel/aggregator`): a stage's agents may share ids with the outer ones.
  const stageAgents = stages.flatMap(({ id, topology }) =>
    [...topology.requirements.flat(), ...topology.optional].map((agent) => ({ ...agent, id: `${id}/${agent.id}` })),
  );
  return {
    requirements: [
      ...(plain.length > 0 && stages.length === 0 ? [plain] : []),
      ...(fallback.length > 0 ? [fallback] : []),
      ...(aggregator ? [[aggregator]] : []),
    ],
    optional: [...(router ? [router] : []), ...(stages.length > 0 ? plain : []), ...stageAgents],
  };
}

function resolveAggregator(
  entry: string | BaseChatModel | AggregatorConfig,
  {
    inherited,
    systemPrompt,
    baseDir,
    layer,
    minSuccessful,
  }: { inherited: ModelSettings[]; systemPrompt: string | undefined; baseDir: string; layer: number; minSuccessful: number },
): ResolvedAgent {
  const { aggregationPrompt, onFailure, ...agent } =
    typeof entry === "string" || isChatModel(entry) ? ({ model: entry } as AggregatorConfig) : entry;
  return resolveAgent(agent, {
    placement: { id: "aggregator", name: agent.name ?? "aggregator", layer, index: 0, role: "final" },
    inherited,
    systemPrompt,
    aggregationPrompt,
    previousLayerMinSuccessful: minSuccessful,
    onFailure: onFailure ?? "best-proposer",
    baseDir,
  });
}

// A classifier should be deterministic: temperature 0 unless the router's own settings say otherwise.
function resolveRouterAgent(
  model: string | BaseChatModel | AgentConfig,
  { inherited, baseDir, layer }: { inherited: ModelSettings[]; baseDir: string; layer: number },
): ResolvedAgent {
  const entry: AgentConfig = typeof model === "object" && !isChatModel(model) ? { temperature: 0, ...model } : { model, temperature: 0 };
  return resolveAgent(entry, { placement: { id: "router", name: "router", layer, index: 0, role: "router" }, inherited, baseDir });
}

function isStage(entry: ExpertEntry): entry is StageEntry {
  return typeof entry === "object" && entry !== null && "stage" in entry;
}

// Strings compare by value, plain objects by content; a chat model instance only equals itself.
const instanceIds = new WeakMap<object, number>();
let nextInstanceId = 0;
function sameExpertKey(entry: ExpertEntry): string {
  if (typeof entry === "string") return `ref:${entry}`;
  const idOf = (model: object) => {
    if (!instanceIds.has(model)) instanceIds.set(model, nextInstanceId++);
    return instanceIds.get(model)!;
  };
  if (isChatModel(entry)) return `instance:${idOf(entry)}`;
  if ("model" in entry && isChatModel(entry.model))
    return `instance:${idOf(entry.model)}:${JSON.stringify({ ...entry, model: undefined })}`;
  return `object:${JSON.stringify(entry)}`;
}

function assertUniqueNames(
  experts: ResolvedExpert[],
  distinct: Array<{ entry: ExpertEntry; path: PathSegment[] }>,
  context: ResolveContext,
): void {
  const seen = new Map<string, number>();
  experts.forEach((expert, index) => {
    const earlier = seen.get(expert.id);
    if (earlier === undefined) {
      seen.set(expert.id, index);
      return;
    }
    const { entry, path } = distinct[index]!;
    const named = typeof entry === "object" && !isChatModel(entry) && "name" in entry && entry.name !== undefined;
    const other = formatPath([...context.path, ...distinct[earlier]!.path]);
    throw issue(
      context,
      named ? [...path, "name"] : path,
      `two different experts are both named "${expert.name}" (also ${other}); give them distinct names`,
    );
  });
}

function issue(context: ResolveContext, path: PathSegment[], message: string): ConfigError {
  return new ConfigError([{ path: formatPath([...context.path, ...path]), message }], context.source);
}
