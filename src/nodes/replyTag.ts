import type { AIMessage } from "@langchain/core/messages";
import { RunnableLambda, type RunnableConfig } from "@langchain/core/runnables";

/**
 * Tag on the one model call whose tokens are the topology's reply (the final aggregator, or an expert
 * that answers alone). A client streaming with `streamMode: "messages"` prints the chunks whose
 * metadata `tags` include it; every other call's tokens are intermediate answers.
 */
export const REPLY_TAG = "moa:reply";

/** Set in a nested stage's `configurable` when the stage's reply is not the outer topology's reply. */
export const NOT_THE_REPLY = "moa_not_the_reply";

/**
 * Whether a call in this run may be the reply: not inside a stage whose answer feeds a gate or an
 * aggregator instead of the user.
 *
 * @example
 * const reply = isFinal && replyAllowed(config);
 */
export function replyAllowed(config: RunnableConfig): boolean {
  return config.configurable?.[NOT_THE_REPLY] !== true;
}

/**
 * Streams a reply that no model call produced (the gate's pick when it skips the aggregator, the
 * stand-in answer of a failed aggregator) the way a model's reply streams: one `messages` event,
 * tagged {@link REPLY_TAG}, so a client that filters on the tag gets every reply. It runs a tiny
 * traced step named after the node, which LangGraph's `messages` mode reports with its output; the
 * node's own output then carries the same message, which LangGraph does not send twice. Inside a
 * stage whose answer is not the reply, the message is returned untouched.
 *
 * @example
 * return { gates: [record], messages: [await streamAsReply(new AIMessage(text), config)] };
 */
export async function streamAsReply(message: AIMessage, config: RunnableConfig): Promise<AIMessage> {
  const node = config.metadata?.langgraph_node;
  if (typeof node !== "string" || !replyAllowed(config)) return message;
  return RunnableLambda.from((reply: AIMessage) => reply).invoke(message, { runName: node, tags: [REPLY_TAG] });
}
