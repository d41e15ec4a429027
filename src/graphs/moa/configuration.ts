import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { ensureRunConfiguration, type EnsuredRunConfiguration } from "../runConfiguration.js";
import { MOA_PRESETS } from "./presets.js";
import {
  AggregationPromptSchema,
  AgentEntrySchema,
  AggregatorEntrySchema,
  checkQuorumKeepsMinSuccessful,
  DefaultsSchema,
  isChatModel,
  QuorumSchema,
  type AggregatorConfig,
  type QuorumConfig,
} from "../../config/agentSchema.js";
import { resolveAgent, uniqueAgentNames, withConcurrentCalls } from "../../config/resolveAgent.js";
import type { ResolvedAgent } from "../../config/ResolvedAgent.js";
import { ModelSettingsSchema } from "../../models/modelSettings.js";
import type { ResolveContext, ResolvedTopologyBase } from "../types.js";

/** One layer of agents that answer in parallel. */
export const LayerSchema = z
  .strictObject({
    agents: z.array(AgentEntrySchema).min(1, "a layer needs at least one agent").max(64),
    aggregationPrompt: AggregationPromptSchema,
    defaults: ModelSettingsSchema.optional().describe("Settings for every agent of this layer"),
    quorum: QuorumSchema.optional().describe("Go on before every agent has answered (tail latency)"),
    minSuccessful: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Answers this layer needs for the run to go on (default 1); below it the run fails, listing each agent's error"),
  })
  .superRefine((layer, ctx) => {
    if (layer.quorum && layer.quorum.min > layer.agents.length) {
      ctx.addIssue({
        code: "custom",
        path: ["quorum", "min"],
        message: `expected at most ${layer.agents.length} (the number of agents in this layer), got ${layer.quorum.min}`,
      });
    }
    if (layer.minSuccessful !== undefined && layer.minSuccessful > layer.agents.length) {
      ctx.addIssue({
        code: "custom",
        path: ["minSuccessful"],
        message: `expected at most ${layer.agents.length} (the number of agents in this layer), got ${layer.minSuccessful}`,
      });
    }
    checkQuorumKeepsMinSuccessful(layer, ctx, "layer");
  });

/**
 * A Mixture-of-Agents topology: ordered layers of agents, then a final aggregator.
 *
 * @example
 * const config = MoAConfigSchema.parse({
 *   layers: [{ agents: ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b", "ollama:gemma2:2b"] }],
 *   aggregator: { model: "ollama:qwen2.5:3b" },
 * });
 */
export const MoAConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path or URL of this file's JSON Schema (for editors)"),
    topology: z.literal("moa").optional().describe("Mixture-of-Agents (the default when omitted)"),
    name: z.string().min(1).max(128).optional().describe("Name of this topology"),
    description: z.string().optional(),
    defaults: DefaultsSchema.optional(),
    layers: z.array(LayerSchema).min(1, "expected at least one layer of proposers").max(32),
    aggregator: AggregatorEntrySchema,
  })
  .superRefine((config, ctx) => {
    const firstPrompt = config.layers[0]?.aggregationPrompt;
    if (firstPrompt !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["layers", 0, "aggregationPrompt"],
        message: "the first layer has no previous answers to aggregate; set aggregationPrompt on a later layer or on the aggregator",
      });
    }
    config.layers.forEach((layer, layerIndex) => {
      const seen = new Map<string, number>();
      layer.agents.forEach((agent, agentIndex) => {
        if (typeof agent !== "object" || isChatModel(agent) || agent.name === undefined) return;
        const earlier = seen.get(agent.name);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["layers", layerIndex, "agents", agentIndex, "name"],
            message: `duplicate agent name "${agent.name}" (also layers[${layerIndex}].agents[${earlier}]); names must be unique within a layer`,
          });
        } else seen.set(agent.name, agentIndex);
      });
    });
  });

/** What a user writes (in a file or in code). */
export type MoAConfigInput = z.input<typeof MoAConfigSchema>;
/** A validated configuration. */
export type MoAConfig = z.output<typeof MoAConfigSchema>;
export type LayerConfig = z.output<typeof LayerSchema>;

/**
 * Built-in aggregator failure policy. A reply the user can use (one proposer's answer, flagged as a
 * fallback in state and in the CLI) beats an error after every proposer already answered and was paid
 * for; `onFailure: fail` is there for pipelines that must never take an unaggregated answer.
 */
export const DEFAULT_AGGREGATOR_ON_FAILURE = "best-proposer" as const;

/** A validated Mixture-of-Agents topology, ready to build into a graph. */
export interface ResolvedMoATopology extends ResolvedTopologyBase {
  readonly kind: "moa";
  readonly layers: readonly ResolvedAgent[][];
  /** Quorum settings by layer index (0-based); absent for layers that wait for every agent. */
  readonly quorums: ReadonlyArray<QuorumConfig | undefined>;
  /** Answers each layer needs for the run to go on, by layer index (0-based); 1 unless configured. */
  readonly minSuccessful: readonly number[];
  readonly aggregator: ResolvedAgent;
}

/** Self-MoA resolves to the MoA it describes, under its own kind. */
export interface ResolvedSelfMoATopology extends Omit<ResolvedMoATopology, "kind"> {
  readonly kind: "self-moa";
}

/**
 * Resolves a validated MoA config: global defaults < layer defaults < agent settings, node ids
 * `layer<n>/<name>` and `aggregator`, and each model's concurrency across the topology.
 *
 * @example
 * const topology = resolveMoA(MoAConfigSchema.parse(config), context);
 * topology.layers[0][0].id; // "layer1/qwen2.5-1.5b"
 */
export function resolveMoA(config: MoAConfig, { baseDir, source }: Pick<ResolveContext, "baseDir" | "source">): ResolvedMoATopology {
  const { systemPrompt, ...globalSettings } = config.defaults ?? {};
  const minSuccessful = config.layers.map((layer) => layer.minSuccessful ?? 1);
  const layers = config.layers.map((layer, layerIndex) => {
    const names = uniqueAgentNames(layer.agents);
    return layer.agents.map((entry, index) =>
      resolveAgent(entry, {
        placement: {
          id: `layer${layerIndex + 1}/${names[index]}`,
          name: names[index]!,
          layer: layerIndex + 1,
          index,
          role: layerIndex === 0 ? "proposer" : "refiner",
        },
        inherited: [globalSettings, layer.defaults ?? {}],
        systemPrompt,
        aggregationPrompt: layerIndex === 0 ? undefined : layer.aggregationPrompt,
        previousLayerMinSuccessful: layerIndex === 0 ? undefined : minSuccessful[layerIndex - 1],
        baseDir,
      }),
    );
  });
  const { aggregationPrompt, onFailure, ...aggregatorEntry } = toAggregatorObject(config.aggregator);
  const finalAggregator = resolveAgent(aggregatorEntry, {
    placement: { id: "aggregator", name: aggregatorEntry.name ?? "aggregator", layer: layers.length + 1, index: 0, role: "final" },
    inherited: [globalSettings],
    systemPrompt,
    aggregationPrompt,
    previousLayerMinSuccessful: minSuccessful.at(-1),
    onFailure: onFailure ?? DEFAULT_AGGREGATOR_ON_FAILURE,
    baseDir,
  });
  const withCalls = withConcurrentCalls([...layers, [finalAggregator]]);
  const aggregator = withCalls.pop()![0]!;
  return {
    kind: "moa",
    name: config.name ?? "moa",
    source,
    layers: withCalls,
    quorums: config.layers.map((layer) => layer.quorum),
    minSuccessful,
    aggregator,
    requirements: [...withCalls, [aggregator]],
    minUsable: [...minSuccessful, 1],
    optional: [],
  };
}

function toAggregatorObject(entry: MoAConfig["aggregator"]): AggregatorConfig {
  return typeof entry === "string" || isChatModel(entry) ? { model: entry } : entry;
}

/**
 * The run configuration of the served `moa` graph: the run's `configurable` (preset, configFile,
 * backend, maxTokens), else MOA_CONFIG or MOA_PRESET, else the `moa-lite` preset.
 *
 * @example
 * ensureConfiguration({ configurable: { preset: "moa-lite" } }).source; // { preset: "moa-lite", topology: "moa", backend: "ollama" }
 */
export function ensureConfiguration(config?: RunnableConfig): EnsuredRunConfiguration {
  return ensureRunConfiguration(config, {
    kind: "moa",
    presets: MOA_PRESETS,
    defaultPreset: "moa-lite",
    fileVariable: "MOA_CONFIG",
    presetVariable: "MOA_PRESET",
  });
}
