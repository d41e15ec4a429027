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
  const hasSystemPrompt = systemPrompt !== undefined && systemPrompt.trim() !== "";
  // The common case (a first-layer agent, no system prompts anywhere) sends the conversation as it is.
  if (!hasSystemPrompt && references.length === 0 && !conversation.some((m) => m.getType() === "system"))
    return conversation as BaseMessage[];
  // One pass over the conversation: this runs for every agent of every turn.
  const parts: string[] = hasSystemPrompt ? [systemPrompt] : [];
  const dialogue: BaseMessage[] = [];
  for (const message of conversation) {
    if (message.getType() !== "system") dialogue.push(message);
    else if (message.text.trim() !== "") parts.push(message.text);
  }
  if (references.length > 0) parts.push(buildAggregationBlock(aggregationPrompt ?? DEFAULT_AGGREGATION_PROMPT, references));
  if (parts.length > 0) dialogue.unshift(new SystemMessage(parts.join("\n\n")));
  return dialogue;
}
