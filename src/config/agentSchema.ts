import { z } from "zod";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { parseModelRef, ModelRefError } from "../models/parseModelRef.js";

import { DAY_MS, ModelSettingsSchema } from "../models/modelSettings.js";

/** Agent names become graph node ids, so they are kept to characters that read well in Studio. */
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A model reference string such as `ollama:qwen2.5:1.5b`, checked by {@link parseModelRef}. */
export const ModelRefStringSchema = z
  .string()
  .min(1, 'expected a model reference such as "ollama:qwen2.5:1.5b"')
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
export const NameSchema = z
  .string()
  .regex(AGENT_NAME_PATTERN, "expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");

/** An agent, or just its model reference as shorthand. */
export const AgentEntrySchema = z.union([ModelRefStringSchema, ChatModelInstanceSchema, AgentSchema]);

/** The instruction above a previous layer's answers (agents that aggregate). */
export const AggregationPromptSchema = z
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
export const AggregatorSchema = z.strictObject({
  ...agentFields,
  aggregationPrompt: AggregationPromptSchema,
  onFailure: AggregatorFailurePolicySchema.optional(),
});

/** An aggregator given as a reference string, a chat model instance (in code) or an object. */
export const AggregatorEntrySchema = z.union([ModelRefStringSchema, ChatModelInstanceSchema, AggregatorSchema]);

/** Global defaults that layers and agents override. */
export const DefaultsSchema = ModelSettingsSchema.extend({
  systemPrompt: z.string().min(1).optional().describe("System prompt of every agent without its own"),
});

export type AgentConfig = z.output<typeof AgentSchema>;
export type AggregatorConfig = z.output<typeof AggregatorSchema>;
export type QuorumConfig = z.output<typeof QuorumSchema>;
export type AggregatorFailurePolicy = z.output<typeof AggregatorFailurePolicySchema>;

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
