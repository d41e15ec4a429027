import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import type { ContextCuts } from "../context/contextCuts.js";
import { contextWindowOf } from "../models/contextWindowOf.js";
import { fitAgentPrompt, type PromptParts } from "../context/fitAgentPrompt.js";
import { tokenCounterFor } from "../models/tokenCounterFor.js";
import type { AgentNodeState } from "../state/moaState.js";
import { buildAgentMessages } from "../context/buildAgentMessages.js";
import { currentTurn } from "../state/currentTurn.js";
import { layerReferences } from "./layerReferences.js";
import { MoAInputError } from "../errors/MoAInputError.js";

/** What {@link prepareAgentInput} hands to the call: the messages, and what the context budget cut from them. */
export interface PreparedAgentInput {
  turn: number;
  messages: BaseMessage[];
  /** Set when an aggregating agent's prompt had to be cut to fit its context window. */
  contextCuts?: ContextCuts;
}

/**
 * What an agent is sent in the current turn: the conversation, plus the previous layer's answers
 * for aggregating agents (MoA layers after the first, and final aggregators), fitted to the
 * agent's context window (see `fitAgentPrompt`).
 *
 * Returns `null` when the layer cannot run (bad input, previous layer failed) and this agent is not
 * the layer's first: all agents of a layer run in one superstep, and if each threw, the caller
 * would get an opaque "multiple errors" instead of the one clear reason the first agent throws.
 * A prompt that cannot fit is this agent's own problem (windows differ per agent), so its
 * `ContextBudgetError` is thrown by every agent.
 *
 * Only aggregating agents are budgeted: a first-layer agent's prompt is the user's conversation,
 * which holds nothing we may cut, so it goes to the model as is and the backend's own limit applies.
 *
 * @example
 * const input = await prepareAgentInput({ agent, model, state });
 * if (input) await model.invoke(input.messages);
 */
export async function prepareAgentInput({
  agent,
  model,
  state,
}: {
  agent: ResolvedAgent;
  model: BaseChatModel;
  state: AgentNodeState;
}): Promise<PreparedAgentInput | null> {
  let prepared: { turn: number; parts: PromptParts };
  try {
    prepared = collect(agent, state);
  } catch (error) {
    if (agent.index === 0) throw error;
    return null;
  }
  const { turn, parts } = prepared;
  const windowTokens = parts.references.length > 0 ? await contextWindowOf(agent, model) : undefined;
  if (windowTokens === undefined) return { turn, messages: buildAgentMessages(parts) };
  const fitted = await fitAgentPrompt(parts, {
    agent: agent.name,
    model: agent.modelLabel,
    windowTokens,
    maxTokens: agent.settings.maxTokens,
    counter: tokenCounterFor(agent, model),
  });
  return { turn, messages: fitted.messages, ...(fitted.contextCuts ? { contextCuts: fitted.contextCuts } : {}) };
}

function collect(agent: ResolvedAgent, state: AgentNodeState): { turn: number; parts: PromptParts } {
  // Aggregating agents run only after the first layer accepted the input, and they read its answers.
  const aggregates = agent.role === "refiner" || agent.role === "final";
  if (!aggregates) assertAnswerable(state.messages);
  const turn = currentTurn(state.messages);
  const references = aggregates
    ? layerReferences(state.answers, {
        layer: agent.layer - 1,
        turn,
        ...(agent.previousLayerMinSuccessful !== undefined ? { minSuccessful: agent.previousLayerMinSuccessful } : {}),
      })
    : [];
  return {
    turn,
    parts: {
      conversation: state.messages,
      ...(agent.systemPrompt !== undefined ? { systemPrompt: agent.systemPrompt } : {}),
      references,
      ...(agent.aggregationPrompt !== undefined ? { aggregationPrompt: agent.aggregationPrompt } : {}),
    },
  };
}

/** The text of the user's latest message; throws {@link MoAInputError} when there is none. */
export function lastUserText(messages: readonly BaseMessage[]): string {
  return assertAnswerable(messages).text;
}

function assertAnswerable(messages: readonly BaseMessage[]): BaseMessage {
  let lastHuman: BaseMessage | undefined;
  for (let i = messages.length - 1; i >= 0 && !lastHuman; i--) if (messages[i]!.getType() === "human") lastHuman = messages[i];
  if (!lastHuman) throw new MoAInputError("input.messages: expected at least one user (human) message to answer");
  if (lastHuman.text.trim() === "") throw new MoAInputError("input.messages: the last user message is empty; expected a question");
  return lastHuman;
}
