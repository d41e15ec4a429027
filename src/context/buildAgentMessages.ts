import { SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { DEFAULT_AGGREGATION_PROMPT } from "../prompts/aggregate.js";
import { buildAggregationBlock } from "./formatReferences.js";

/** Inputs for {@link buildAgentMessages}. */
export interface BuildAgentMessagesOptions {
  conversation: readonly BaseMessage[];
  systemPrompt?: string;
  /** Previous layer's answers; empty for first-layer proposers. */
  references?: readonly string[];
  aggregationPrompt?: string;
}

/**
 * The messages one agent receives: a single system message (agent prompt, the user's own system
 * messages, then the aggregation block) followed by the conversation. One system message, first,
 * because many chat templates ignore or reject any other placement.
 */
export function buildAgentMessages({
  conversation,
  systemPrompt,
  references = [],
  aggregationPrompt,
}: BuildAgentMessagesOptions): BaseMessage[] {
  const userSystem = conversation.filter((m) => m.getType() === "system").map((m) => m.text);
  const dialogue = conversation.filter((m) => m.getType() !== "system");
  const parts = [systemPrompt, ...userSystem].filter((p): p is string => typeof p === "string" && p.trim() !== "");
  if (references.length > 0) parts.push(buildAggregationBlock(aggregationPrompt ?? DEFAULT_AGGREGATION_PROMPT, references));
  return parts.length > 0 ? [new SystemMessage(parts.join("\n\n")), ...dialogue] : [...dialogue];
}
