import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ConfigError } from "../../errors/ConfigError.js";
import { ensureConfig, type ResolvedAgent } from "../../config/ensureConfig.js";
import {
  CoEConfigSchema,
  MosaicConfigSchema,
  type CoEConfigInput,
  type ExpertEntry,
  type ExtractorConfig,
  type MosaicConfigInput,
  type RouterConfig,
} from "./expertsSchema.js";
import { isChatModel, type AgentConfig, type MoAConfigInput, type QuorumConfig } from "../../config/schema.js";

/** One expert: an agent that answers, or a nested topology config run as a stage. */
export type ResolvedExpert =
  | { kind: "agent"; id: string; name: string; agent: ResolvedAgent }
  | { kind: "stage"; id: string; name: string; stage: Record<string, unknown> };

/** A validated CoE or MOSAIC topology. */
export interface ResolvedExpertsTopology {
  kind: "coe" | "mosaic";
  name: string;
  categories: string[];
  /** Absent when every expert always answers (a MOSAIC with a list of experts). */
  routing?: {
    router: RouterConfig;
    /** The LLM router's model as an agent (for model creation and cost), when the router is an LLM. */
    routerAgent?: ResolvedAgent;
    /** Expert ids by category; categories without experts use the fallback. */
    byCategory: Record<string, string[]>;
    fallback: string[];
  };
  experts: ResolvedExpert[];
  gate?: { extractor: ExtractorConfig; threshold: number };
  /** Quorum fan-in over the chosen (agent) experts. */
  quorum?: QuorumConfig;
  /** Answers the gate or aggregator needs from the chosen experts (at most the number chosen). */
  minSuccessful: number;
  aggregator?: ResolvedAgent;
  /** Layer numbers: the router's record, the experts', the aggregator's. */
  layers: { router: number; experts: number; aggregator: number };
}

/**
 * Resolves a CoE or MOSAIC config: validates it and turns every expert into an agent or a stage.
 *
 * @example
 * const topology = resolveExpertsTopology({ topology: "mosaic", experts: ["ollama:a", "ollama:b"], gate, aggregator: "ollama:c" });
 * topology.experts.map((e) => e.id); // ["expert/a", "expert/b"]
 */
export function resolveExpertsTopology(
  input: CoEConfigInput | MosaicConfigInput,
  { source, baseDir }: { source?: string; baseDir?: string } = {},
): ResolvedExpertsTopology {
  const isCoE = (input as { topology?: unknown }).topology === "coe";
  const parsed = isCoE ? CoEConfigSchema.safeParse(input, { reportInput: true }) : MosaicConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, source);
  const config = parsed.data;

  // Every distinct expert entry, named once; categories refer to experts by id.
  // In a mapping, the same expert named under several categories (or as the fallback) is one expert;
  // in a list, every entry is its own expert, repeats included (they are sampled separately).
  const entries: ExpertEntry[] = [];
  const keys: string[] = [];
  const add = (entry: ExpertEntry): string => {
    entries.push(entry);
    keys.push(sameExpertKey(entry));
    return String(entries.length - 1);
  };
  const idOf = (entry: ExpertEntry): string => {
    const found = keys.indexOf(sameExpertKey(entry));
    return found >= 0 ? String(found) : add(entry);
  };
  const list = (value: ExpertEntry | ExpertEntry[]) => (Array.isArray(value) ? value : [value]);
  const byCategoryIdx: Record<string, string[]> = {};
  let fallbackIdx: string[] = [];
  if (Array.isArray(config.experts)) config.experts.forEach((e) => add(e));
  else for (const [category, experts] of Object.entries(config.experts)) byCategoryIdx[category] = list(experts).map(idOf);
  if (config.fallback !== undefined) fallbackIdx = [idOf(config.fallback)];

  const routed = !Array.isArray(config.experts);
  const layers = routed ? { router: 1, experts: 2, aggregator: 3 } : { router: 0, experts: 1, aggregator: 2 };
  const agentEntries = entries.filter((entry) => !isStage(entry));
  const agentTopology = agentEntries.length > 0 ? resolveAgents(agentEntries, config, { source, baseDir }) : undefined;
  let agentCursor = 0;
  const experts: ResolvedExpert[] = entries.map((entry) => {
    if (isStage(entry)) return { kind: "stage", id: `expert/${entry.name}`, name: entry.name, stage: entry.stage };
    const agent = agentTopology!.layers[0]![agentCursor++]!;
    const id = `expert/${agent.name}`;
    return { kind: "agent", id, name: agent.name, agent: { ...agent, id, role: "expert", layer: layers.experts } };
  });
  assertUniqueIds(experts, source);
  const idFor = (index: string) => experts[Number(index)]!.id;
  const minSuccessful = config.minSuccessful ?? 1;
  if (minSuccessful > experts.length) {
    throw new ConfigError([{ path: "minSuccessful", message: `expected at most ${experts.length} (the number of experts), got ${minSuccessful}` }], source);
  }

  const aggregator = config.aggregator !== undefined ? agentTopology?.aggregator ?? resolveAggregatorOnly(config, { source, baseDir }) : undefined;
  const routerAgent = routed && config.router?.type === "llm" ? resolveRouterAgent(config.router.model, config, layers.router, { source, baseDir }) : undefined;
  return {
    kind: isCoE ? "coe" : "mosaic",
    name: config.name ?? (isCoE ? "coe" : "mosaic"),
    categories: config.categories ?? [],
    ...(routed && config.router
      ? {
          routing: {
            router: config.router,
            ...(routerAgent ? { routerAgent } : {}),
            byCategory: Object.fromEntries(Object.entries(byCategoryIdx).map(([c, ids]) => [c, ids.map(idFor)])),
            fallback: fallbackIdx.map(idFor),
          },
        }
      : {}),
    experts,
    ...("gate" in config && config.gate ? { gate: config.gate } : {}),
    ...(config.quorum ? { quorum: config.quorum } : {}),
    minSuccessful,
    ...(aggregator ? { aggregator: { ...aggregator, layer: layers.aggregator, previousLayerMinSuccessful: minSuccessful } } : {}),
    layers,
  };
}

function isStage(entry: ExpertEntry): entry is { name: string; stage: Record<string, unknown> } {
  return typeof entry === "object" && entry !== null && "stage" in entry;
}

type SharedConfig = { defaults?: MoAConfigInput["defaults"]; aggregator?: MoAConfigInput["aggregator"] };

// Agents are resolved through the MoA resolver (one layer), so settings merge and names derive alike.
function resolveAgents(agents: ExpertEntry[], config: SharedConfig, options: { source?: string; baseDir?: string }) {
  return ensureConfig(
    {
      ...(config.defaults ? { defaults: config.defaults } : {}),
      layers: [{ agents: agents as MoAConfigInput["layers"][number]["agents"] }],
      aggregator: config.aggregator ?? (agents[0] as MoAConfigInput["aggregator"]),
    },
    options,
  );
}

function resolveAggregatorOnly(config: SharedConfig, options: { source?: string; baseDir?: string }) {
  return resolveAgents([config.aggregator as ExpertEntry], config, options).aggregator;
}

// A classifier should be deterministic: temperature 0 unless the router's own settings say otherwise.
function resolveRouterAgent(model: string | BaseChatModel | AgentConfig, config: SharedConfig, layer: number, options: { source?: string; baseDir?: string }): ResolvedAgent {
  const entry: AgentConfig = typeof model === "object" && !isChatModel(model) ? { temperature: 0, ...model } : { model, temperature: 0 };
  const agent = resolveAgents([entry], { ...(config.defaults ? { defaults: config.defaults } : {}) }, options).layers[0]![0]!;
  return { ...agent, id: "router", name: "router", role: "router", layer };
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
  if ("model" in entry && isChatModel(entry.model)) return `instance:${idOf(entry.model)}:${JSON.stringify({ ...entry, model: undefined })}`;
  return `object:${JSON.stringify(entry)}`;
}

function assertUniqueIds(experts: ResolvedExpert[], source?: string): void {
  const seen = new Set<string>();
  for (const expert of experts) {
    if (seen.has(expert.id)) {
      throw new ConfigError([{ path: "experts", message: `two different experts are both named "${expert.name}"; give them distinct names` }], source);
    }
    seen.add(expert.id);
  }
}
