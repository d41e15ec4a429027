import type { BaseMessage } from "@langchain/core/messages";

/**
 * Splits a dialogue (no system messages) into turns, each starting at a user message and holding
 * the replies that follow it; messages before the first user message form a turn of their own.
 * Dropping whole turns, oldest first, keeps the user/assistant alternation that many chat
 * templates require. The last turn holds the latest user message.
 *
 * @example
 * conversationTurns([human("hi"), ai("hello"), human("2+2?")]); // [[hi, hello], [2+2?]]
 */
export function conversationTurns(dialogue: readonly BaseMessage[]): BaseMessage[][] {
  const turns: BaseMessage[][] = [];
  for (const message of dialogue) {
    const current = turns.at(-1);
    if (!current || message.getType() === "human") turns.push([message]);
    else current.push(message);
  }
  return turns;
}
