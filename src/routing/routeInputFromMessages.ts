import type { BaseMessage } from "@langchain/core/messages";
import type { RouteInput } from "./types.js";

/** Options of {@link routeInputFromMessages}. */
export interface RouteInputFromMessagesOptions {
  /** How many user/assistant messages before the latest user message to pass as context. Default 0. */
  conversationMessages?: number;
  /** Each context message is cut to this many characters. Default 500. */
  maxCharsPerMessage?: number;
}

/**
 * Takes a router's `text` (the latest user message) and, when asked, `conversation` (the user and
 * assistant messages before it, one `role: text` line each) from a chat history such as a graph's
 * `messages` channel. Context is off by default: earlier turns help an LLM router with follow-ups
 * ("and how much is it?") but would blur keyword and embedding matching. Without a user message the
 * text is empty, which routers answer with an unknown decision.
 *
 * @example
 * const { text, conversation } = routeInputFromMessages(state.messages, { conversationMessages: 4 });
 * const decision = await router.route({ text, conversation, categories });
 */
export function routeInputFromMessages(
  messages: readonly BaseMessage[],
  options: RouteInputFromMessagesOptions = {},
): Pick<RouteInput, "text" | "conversation"> {
  const { conversationMessages = 0, maxCharsPerMessage = 500 } = options;
  let last = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.getType() === "human") {
      last = i;
      break;
    }
  }
  const latest = messages[last];
  if (!latest) return { text: "" };
  const text = latest.text;
  if (conversationMessages <= 0) return { text };
  const lines = messages
    .slice(0, last)
    .filter((m) => (m.getType() === "human" || m.getType() === "ai") && m.text.trim() !== "")
    .slice(-conversationMessages)
    .map((m) => `${m.getType() === "human" ? "user" : "assistant"}: ${clip(m.text.replace(/\s+/g, " ").trim(), maxCharsPerMessage)}`);
  return lines.length ? { text, conversation: lines.join("\n") } : { text };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}
