import type { RunnableConfig } from "@langchain/core/runnables";

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
