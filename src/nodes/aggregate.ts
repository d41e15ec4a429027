import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import type { MoAStateUpdate, MoAStateValue } from "../state/moaState.js";
import { callAgent } from "./callAgent.js";
import { prepareAgentInput } from "./prepareAgentInput.js";

/** Raised when the final aggregator itself fails. */
export class AggregatorFailedError extends Error {
  constructor(agent: ResolvedAgent, reason: string) {
    super(`the final aggregator "${agent.name}" (${agent.modelLabel}) failed: ${reason}`);
    this.name = "AggregatorFailedError";
  }
}

/**
 * The final aggregator node: synthesizes the last layer's answers into the reply, which is
 * appended to the conversation as an AI message.
 *
 * @example
 * graph.addNode("aggregator", createAggregateNode({ agent: topology.aggregator, model }));
 */
export function createAggregateNode({ agent, model }: { agent: ResolvedAgent; model: BaseChatModel }) {
  return async (state: MoAStateValue, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    // The aggregator is alone in its layer, so it always reports problems rather than standing down.
    const input = prepareAgentInput({ agent, state });
    if (!input) throw new Error(`internal: the aggregator "${agent.name}" received no input`);
    const { answer, message } = await callAgent({ agent, model, messages: input.messages, turn: input.turn, config });
    if (!message) throw new AggregatorFailedError(agent, answer.error ?? "no answer");
    return { answers: [answer], messages: [message] };
  };
}
