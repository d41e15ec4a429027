/**
 * Which user turn the conversation is in: the number of human messages (at least 1). Records in
 * `answers`, `routes` and `gates` carry it, so the turns of a thread stay apart.
 *
 * @example
 * currentTurn(state.messages); // 2 after a question, its answer and a follow-up
 */
export function currentTurn(messages: ReadonlyArray<{ getType(): string }>): number {
  let humans = 0;
  for (const message of messages) if (message.getType() === "human") humans++;
  return Math.max(1, humans);
}
