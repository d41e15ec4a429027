import type { AgentAnswer, MoAStateValue } from "../state/moaState.js";
import { currentTurn } from "../state/currentTurn.js";

/**
 * The answer node `nodeId` already gave in the current turn, if it succeeded. A run that failed is
 * resumed by re-running the layer that stopped it (see prepareResume) with that layer's successful
 * answers carried over: the agents that already answered find them here and are not called again.
 *
 * @example
 * if (savedAnswer(state, agent.id)) return {}; // paid for in an earlier attempt
 */
export function savedAnswer(state: Pick<MoAStateValue, "answers" | "messages">, nodeId: string): AgentAnswer | undefined {
  const turn = currentTurn(state.messages);
  return state.answers.find(
    (a) =>
      a.turn === turn &&
      a.nodeId === nodeId &&
      a.stage === undefined &&
      a.error === undefined &&
      typeof a.content === "string" &&
      a.content.trim() !== "",
  );
}
