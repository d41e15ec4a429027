import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import { pickFallbackAnswer } from "../policy/pickFallbackAnswer.js";
import type { AgentAnswer, MoAStateUpdate, AgentNodeState } from "../state/moaState.js";
import { agentRecordBase } from "./agentRecord.js";
import { callAgent, type MoAStreamEvent } from "./callAgent.js";
import { currentTurn } from "../state/currentTurn.js";
import { successfulLayerAnswers } from "./layerReferences.js";
import { ContextBudgetError } from "../context/ContextBudgetError.js";
import { prepareAgentInput } from "./prepareAgentInput.js";
import { replyAllowed, streamAsReply } from "./replyTag.js";
import { MoAError } from "../errors/MoAError.js";
import { InternalError } from "../errors/InternalError.js";

/** Raised when the final aggregator itself fails (and its policy is `fail`, or nothing can stand in). */
export class AggregatorFailedError extends MoAError {
  constructor(agent: ResolvedAgent, reason: string) {
    super(`the final aggregator "${agent.name}" (${agent.modelLabel}) failed: ${reason}`, { code: "aggregator_failed", category: "run" });
    this.name = "AggregatorFailedError";
  }
}

/**
 * The final aggregator node: synthesizes the last layer's answers into the reply, which is
 * appended to the conversation as an AI message.
 *
 * When the aggregator fails and its `onFailure` is `best-proposer` (the default), the reply is the
 * last layer's most representative answer (see pickFallbackAnswer). The aggregator's record keeps
 * its `error` and names the stand-in in `fallbackFrom`, and an `aggregator_fallback` event goes to
 * the custom stream, so neither state nor the CLI passes the fallback off as an aggregated answer.
 *
 * @example
 * graph.addNode("aggregator", createAggregateNode({ agent: topology.aggregator, model }));
 */
export function createAggregateNode({ agent, model }: { agent: ResolvedAgent; model: BaseChatModel }) {
  return async (state: AgentNodeState, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    // The aggregator is alone in its layer, so it always reports problems rather than standing down:
    // a previous layer below its minSuccessful fails here, before the aggregator is paid for.
    let input: Awaited<ReturnType<typeof prepareAgentInput>>;
    try {
      input = await prepareAgentInput({ agent, model, state });
    } catch (error) {
      // A prompt that cannot fit the aggregator's window is an aggregator failure like any other.
      if (!(error instanceof ContextBudgetError)) throw error;
      return fallBack(agent, state, config, unansweredRecord(agent, state, error.message));
    }
    if (!input) throw new InternalError(`the aggregator "${agent.name}" received no input`);
    const { answer, message } = await callAgent({ agent, model, input, config, reply: replyAllowed(config) });
    if (message) return { answers: [answer], messages: [message] };
    return fallBack(agent, state, config, answer);
  };
}

/** What the aggregator records when it could not even be called. */
function unansweredRecord(agent: ResolvedAgent, state: AgentNodeState, reason: string): AgentAnswer {
  return {
    ...agentRecordBase(agent, currentTurn(state.messages)),
    error: reason,
    latencyMs: 0,
    startedAt: new Date().toISOString(),
  };
}

/** Applies `onFailure` to a failed aggregator: fail, or reply with the most representative answer. */
async function fallBack(
  agent: ResolvedAgent,
  state: AgentNodeState,
  config: LangGraphRunnableConfig,
  answer: AgentAnswer,
): Promise<MoAStateUpdate> {
  const reason = answer.error ?? "no answer";
  if ((agent.onFailure ?? "best-proposer") === "fail") throw new AggregatorFailedError(agent, reason);
  const fallback = pickFallbackAnswer(successfulLayerAnswers(state.answers, { layer: agent.layer - 1, turn: answer.turn }));
  if (!fallback?.content) throw new AggregatorFailedError(agent, reason);
  config.writer?.({ event: "aggregator_fallback", nodeId: agent.id, from: fallback.nodeId, reason } satisfies MoAStreamEvent);
  const record: AgentAnswer = { ...answer, fallbackFrom: fallback.nodeId };
  const reply = await streamAsReply(new AIMessage({ content: fallback.content, name: fallback.agent }), config);
  return { answers: [record], messages: [reply] };
}
