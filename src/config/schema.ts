import { z } from "zod";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { parseModelRef, ModelRefError } from "../models/parseModelRef.js";
import { ConfigError } from "../errors/ConfigError.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Agent names become graph node ids, so they are kept to characters that read well in Studio. */
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A model reference string such as `ollama:qwen2.5:1.5b`, checked by {@link parseModelRef}. */
export const ModelRefStringSchema = z
  .string()
  .min(1, "expected a model reference such as \"ollama:qwen2.5:1.5b\"")
  .superRefine((value, ctx) => {
    try {
      parseModelRef(value);
    } catch (error) {
      if (!(error instanceof ModelRefError)) throw error;
      ctx.addIssue({ code: "custom", message: error.message });
    }
  })
  .describe("Model reference: ollama:<name>[@baseUrl], openai:<name>[@baseUrl] or llamacpp:<path to .gguf>");

/** Any LangChain chat model instance; only possible when the config is given in code. */
export const ChatModelInstanceSchema = z.custom<BaseChatModel>(isChatModel, {
  message: 'expected a model reference string such as "ollama:qwen2.5:1.5b" (in code, also a LangChain chat model)',
  // Marks this failure as "wrong type", so error reports prefer a branch the input was meant for.
  params: { typeCheck: true },
});

/** Either a reference string or (in code) a LangChain chat model instance. */
export const ModelSpecSchema = z.union([ModelRefStringSchema, ChatModelInstanceSchema]);

/** Sampling and transport settings shared by global defaults, layer defaults and agents. */
export const ModelSettingsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional().describe("Sampling temperature, 0 to 2"),
  maxTokens: z.number().int().min(1).max(1_000_000).optional().describe("Maximum tokens to generate"),
  topP: z.number().gt(0).max(1).optional().describe("Nucleus sampling probability mass, (0, 1]"),
  topK: z.number().int().min(1).max(100_000).optional().describe("Sample from the k most likely tokens"),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional().describe("Random seed for reproducible sampling"),
  stop: z.array(z.string().min(1, "expected a non-empty stop sequence")).max(16, "expected at most 16 stop sequences").optional().describe("Stop sequences"),
  contextWindow: z
    .number()
    .int()
    .min(256)
    .max(10_000_000)
    .optional()
    .describe("Context window in tokens (Ollama num_ctx, llama.cpp context size)"),
  timeoutMs: z.number().int().min(1).max(DAY_MS).optional().describe("Per-call timeout in milliseconds"),
  retries: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe("Retries of a call that failed transiently (connection refused/reset, HTTP 5xx, 408, 429); default 1"),
  retryBackoffMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .optional()
    .describe("Wait before the first retry in milliseconds, doubled on each retry (with jitter, at most 10 s); a 429's Retry-After wins; default 500"),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
    .optional()
    .describe("Server base URL for ollama: and openai: models"),
  apiKey: z.string().min(1).optional().describe("API key for openai: models (prefer apiKeyEnv)"),
  activeParams: z
    .union([
      z.number().positive(),
      z
        .string()
        .regex(/^\d+(\.\d+)?\s*[KMBT]$/i, 'expected a count such as 7000000000, "7B", "1.5B" or "360M"')
        .transform(parseParamCount),
    ])
    .optional()
    .describe("Parameters active per token (for cost accounting); read from GGUF metadata for llamacpp: models"),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name")
    .optional()
    .describe("Name of the environment variable holding the API key for openai: models"),
});

const agentFields = {
  name: z
    .string()
    .regex(AGENT_NAME_PATTERN, "expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    .optional()
    .describe("Agent name, unique within its layer; derived from the model when omitted"),
  model: ModelSpecSchema,
  systemPrompt: z.string().min(1).optional().describe("System prompt of this agent"),
  ...ModelSettingsSchema.shape,
};

/** One agent: a model with its own settings and prompt. */
export const AgentSchema = z.strictObject(agentFields);

/** Agent names and categories, as they appear in node ids: letters, digits, '.', '_' or '-'. */
export const NameSchema = z.string().regex(AGENT_NAME_PATTERN, "expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");

/** An agent, or just its model reference as shorthand. */
export const AgentEntrySchema = z.union([ModelRefStringSchema, ChatModelInstanceSchema, AgentSchema]);

const aggregationPrompt = z
  .string()
  .trim()
  .min(1, "expected a non-empty prompt")
  .optional()
  .describe("Instruction placed above the previous layer's numbered answers");

/**
 * Quorum fan-in: the layer goes on once `min` agents have answered, without waiting for stragglers,
 * which are cancelled and recorded as late. With `deadlineMs`, it waits for more answers until that
 * many milliseconds after the layer started (then goes on with at least `min`).
 */
export const QuorumSchema = z.strictObject({
  min: z.number().int().min(1).describe("Answers needed before the layer may go on"),
  deadlineMs: z
    .number()
    .int()
    .min(0)
    .max(DAY_MS)
    .optional()
    .describe("Wait for more answers until this long after the layer started, if `min` have arrived by then (default: go on at once)"),
});

/** One layer of agents that answer in parallel. */
export const LayerSchema = z
  .strictObject({
    agents: z.array(AgentEntrySchema).min(1, "a layer needs at least one agent").max(64),
    aggregationPrompt,
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
 * A quorum cancels the stragglers once `min` answered, so a quorum below `minSuccessful` would
 * cancel answers the layer (or the experts' fan-out) needs.
 *
 * @example
 * LayerSchema.superRefine((layer, ctx) => checkQuorumKeepsMinSuccessful(layer, ctx, "layer"));
 */
export function checkQuorumKeepsMinSuccessful(
  config: { quorum?: { min: number } | undefined; minSuccessful?: number | undefined },
  ctx: z.RefinementCtx,
  needs: string,
): void {
  if (config.quorum && config.minSuccessful !== undefined && config.quorum.min < config.minSuccessful) {
    ctx.addIssue({
      code: "custom",
      path: ["quorum", "min"],
      message: `expected at least minSuccessful (${config.minSuccessful}), got ${config.quorum.min}: the quorum would cancel answers the ${needs} needs`,
    });
  }
}

/** What happens when the final aggregator fails. */
export const AggregatorFailurePolicySchema = z
  .enum(["best-proposer", "fail"])
  .describe(
    "When the final aggregator fails: best-proposer (default) answers with the last layer's most representative answer, flagged in state; fail raises AggregatorFailedError",
  );

/** The final aggregator that writes the answer. */
export const AggregatorSchema = z.strictObject({ ...agentFields, aggregationPrompt, onFailure: AggregatorFailurePolicySchema.optional() });

/** An aggregator given as a reference string, a chat model instance (in code) or an object. */
export const AggregatorEntrySchema = z.union([ModelRefStringSchema, ChatModelInstanceSchema, AggregatorSchema]);

/** Global defaults that layers and agents override. */
export const DefaultsSchema = ModelSettingsSchema.extend({
  systemPrompt: z.string().min(1).optional().describe("System prompt of every agent without its own"),
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
export type AgentConfig = z.output<typeof AgentSchema>;
export type AggregatorConfig = z.output<typeof AggregatorSchema>;
export type LayerConfig = z.output<typeof LayerSchema>;
export type ModelSettings = z.output<typeof ModelSettingsSchema>;
export type QuorumConfig = z.output<typeof QuorumSchema>;
export type AggregatorFailurePolicy = z.output<typeof AggregatorFailurePolicySchema>;

const PARAM_UNITS: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 };

/** "1.5B" -> 1_500_000_000. */
export function parseParamCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMBT])$/i.exec(text.trim());
  if (!match?.[1] || !match[2]) throw new ConfigError([{ path: "activeParams", message: `expected a count such as 7000000000, "7B", "1.5B" or "360M", got "${text}"` }]);
  return Number(match[1]) * (PARAM_UNITS[match[2].toUpperCase()] ?? 1);
}

/** Duck-typed so that chat models from another copy of @langchain/core are still accepted. */
export function isChatModel(value: unknown): value is BaseChatModel {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { invoke?: unknown; _modelType?: unknown };
  return (
    typeof candidate.invoke === "function" &&
    typeof candidate._modelType === "function" &&
    (candidate as { _modelType: () => unknown })._modelType() === "base_chat_model"
  );
}
