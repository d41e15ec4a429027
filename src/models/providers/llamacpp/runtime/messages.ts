import type { BaseMessage } from "@langchain/core/messages";
import type { ChatHistoryItem } from "node-llama-cpp";

/** A LangChain conversation split the way `LlamaChatSession` wants it. */
export interface LlamaChatInput {
  /** Everything before the prompt, system messages included, in order. */
  history: ChatHistoryItem[];
  /** Text of the final user turn; the model answers it. */
  prompt: string;
}

/**
 * Converts LangChain messages into a node-llama-cpp chat history plus the prompt to answer.
 *
 * - system messages become `system` items where they stand (the chat template decides how a model
 *   without system-role support receives them);
 * - human messages become `user` items, AI messages `model` items;
 * - tool results become `user` items, since this model has no tool calling and must still see them;
 * - the last message becomes the prompt when it is a human message. Otherwise (e.g. a lone system
 *   message) the prompt is empty, i.e. the model answers after an empty user turn.
 *
 * No default system prompt is added: a conversation without one is sent without one.
 *
 * @example
 * const { history, prompt } = toLlamaChat([new SystemMessage("Be brief."), new HumanMessage("Hi")]);
 * // history: [{ type: "system", text: "Be brief." }], prompt: "Hi"
 */
export function toLlamaChat(messages: readonly BaseMessage[]): LlamaChatInput {
  const last = messages.at(-1);
  const endsWithHuman = last !== undefined && roleOf(last) === "user";
  const before = endsWithHuman ? messages.slice(0, -1) : messages;
  return {
    history: before.map(toHistoryItem),
    prompt: endsWithHuman ? last.text : "",
  };
}

type Role = "system" | "user" | "model";

function roleOf(message: BaseMessage): Role {
  switch (message.getType()) {
    case "system":
    case "developer":
      return "system";
    case "ai":
      return "model";
    case "generic": {
      // ChatMessage carries a free-form role string.
      const role = (message as BaseMessage & { role?: string }).role;
      if (role === "system") return "system";
      if (role === "assistant" || role === "ai" || role === "model") return "model";
      return "user";
    }
    default:
      return "user";
  }
}

function toHistoryItem(message: BaseMessage): ChatHistoryItem {
  const role = roleOf(message);
  const text = message.getType() === "tool" ? `Tool result:\n${message.text}` : message.text;
  if (role === "system") return { type: "system", text };
  if (role === "model") return { type: "model", response: [text] };
  return { type: "user", text };
}
