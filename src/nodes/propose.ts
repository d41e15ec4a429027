import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import type { MoAStateUpdate, AgentNodeState } from "../state/moaState.js";
import { callAgent } from "./callAgent.js";
import { prepareAgentInput } from "./prepareAgentInput.js";
import { savedAnswer } from "./savedAnswer.js";

/**
 * A graph node for one proposer. In the first layer it answers the conversation; in later layers
 * it also reads the previous layer's answers (an aggregating proposer, as in the MoA paper). Its
 * answer, or its failure, is recorded in `answers`; it never fails the run by itself. An agent whose
 * answer this turn was saved by an earlier attempt (a resumed run) is not called again.
 *
 * @example
 * graph.addNode(agent.id, createProposeNode({ agent, model: createChatModel(agent) }));
 */
export function createProposeNode({ agent, model }: { agent: ResolvedAgent; model: BaseChatModel }) {
  return async (state: AgentNodeState, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    if (savedAnswer(state, agent.id)) return {};
    const input = await prepareAgentInput({ agent, model, state });
    if (!input) return {};
    const { answer } = await callAgent({ agent, model, input, config });
    return { answers: [answer] };
  };
}
