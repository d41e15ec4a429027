import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import type { MoAStateUpdate, MoAStateValue } from "../state/moaState.js";
import { callAgent } from "./callAgent.js";
import { prepareAgentInput } from "./prepareAgentInput.js";

/** Inputs for {@link createProposeNode}. */
export interface ProposeNodeOptions {
  agent: ResolvedAgent;
  model: BaseChatModel;
  /** Node ids of the previous layer in declared order; empty for the first layer. */
  previousLayer: readonly string[];
  /** The first agent of a layer reports layer-wide problems; the others stand down (see prepareAgentInput). */
  isFirstInLayer: boolean;
}

/**
 * A graph node for one proposer. In the first layer it answers the conversation; in later layers
 * it also reads the previous layer's answers (an aggregating proposer, as in the MoA paper).
 */
export function createProposeNode({ agent, model, previousLayer, isFirstInLayer }: ProposeNodeOptions) {
  return async (state: MoAStateValue, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    const input = prepareAgentInput({ agent, state, previousLayer, isFirstInLayer });
    if (!input) return {};
    const { turn, messages } = input;
    const { answer } = await callAgent({ agent, model, messages, turn, config });
    return { answers: [answer] };
  };
}
