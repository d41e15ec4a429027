import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import type { MoAStateUpdate, MoAStateValue } from "../state/moaState.js";
import { callAgent } from "./callAgent.js";
import { prepareAgentInput } from "./prepareAgentInput.js";

/** Raised when the final aggregator itself fails. */
export class AggregatorFailedError extends Error {
  constructor(agent: ResolvedAgent, reason: string) {
    super(`the final aggregator ${agent.name} (${agent.modelLabel}) failed: ${reason}`);
    this.name = "AggregatorFailedError";
  }
}

/** Inputs for {@link createAggregateNode}. */
export interface AggregateNodeOptions {
  agent: ResolvedAgent;
  model: BaseChatModel;
  /** Node ids of the last proposer layer, in declared order. */
  previousLayer: readonly string[];
}

/**
 * The final aggregator node: synthesizes the last layer's answers into the reply, which is
 * appended to the conversation as an AI message.
 */
export function createAggregateNode({ agent, model, previousLayer }: AggregateNodeOptions) {
  return async (state: MoAStateValue, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    const { turn, messages } = prepareAgentInput({ agent, state, previousLayer })!;
    const { answer, message } = await callAgent({ agent, model, messages, turn, config });
    if (!message) throw new AggregatorFailedError(agent, answer.error ?? "no answer");
    return { answers: [answer], messages: [message] };
  };
}
