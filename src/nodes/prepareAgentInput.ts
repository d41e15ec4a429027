import type { BaseMessage } from "@langchain/core/messages";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import type { MoAStateValue } from "../state/moaState.js";
import { buildAgentMessages } from "./buildAgentMessages.js";
import { currentTurn, layerReferences } from "./layerReferences.js";
import { MoAInputError } from "./MoAInputError.js";

/**
 * What an agent is sent in the current turn: the conversation, plus the previous layer's answers
 * for aggregating agents (MoA layers after the first, and final aggregators).
 *
 * Returns `null` when the layer cannot run (bad input, previous layer failed) and this agent is not
 * the layer's first: all agents of a layer run in one superstep, and if each threw, the caller
 * would get an opaque "multiple errors" instead of the one clear reason the first agent throws.
 *
 * @example
 * const input = prepareAgentInput({ agent, state });
 * if (input) await model.invoke(input.messages);
 */
export function prepareAgentInput({ agent, state }: { agent: ResolvedAgent; state: MoAStateValue }): { turn: number; messages: BaseMessage[] } | null {
  try {
    return prepare(agent, state);
  } catch (error) {
    if (agent.index === 0) throw error;
    return null;
  }
}

function prepare(agent: ResolvedAgent, state: MoAStateValue) {
  // Aggregating agents run only after the first layer accepted the input, and they read its answers.
  const aggregates = agent.role === "aggregator" || agent.role === "final";
  if (!aggregates) assertAnswerable(state.messages);
  const turn = currentTurn(state.messages);
  const references = aggregates ? layerReferences(state.answers, { layer: agent.layer - 1, turn }) : [];
  const messages = buildAgentMessages({
    conversation: state.messages,
    ...(agent.systemPrompt !== undefined ? { systemPrompt: agent.systemPrompt } : {}),
    references,
    ...(agent.aggregationPrompt !== undefined ? { aggregationPrompt: agent.aggregationPrompt } : {}),
  });
  return { turn, messages };
}

/** The text of the user's latest message; throws {@link MoAInputError} when there is none. */
export function lastUserText(messages: readonly BaseMessage[]): string {
  assertAnswerable(messages);
  return [...messages].reverse().find((m) => m.getType() === "human")!.text;
}

function assertAnswerable(messages: readonly BaseMessage[]): void {
  const lastHuman = [...messages].reverse().find((m) => m.getType() === "human");
  if (!lastHuman) throw new MoAInputError("input.messages: expected at least one user (human) message to answer");
  if (lastHuman.text.trim() === "") throw new MoAInputError("input.messages: the last user message is empty; expected a question");
}
