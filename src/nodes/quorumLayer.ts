import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import type { QuorumConfig } from "../config/schema.js";
import type { AgentAnswer, MoAStateUpdate, MoAStateValue } from "../state/moaState.js";
import { callAgent } from "./callAgent.js";
import { prepareAgentInput } from "./prepareAgentInput.js";

/** Inputs for {@link createQuorumLayerNode}. */
export interface QuorumLayerNodeOptions {
  agents: ReadonlyArray<{ agent: ResolvedAgent; model: BaseChatModel }>;
  quorum: QuorumConfig;
}

/**
 * One node that runs a whole layer with quorum fan-in. LangGraph ends a superstep only when every
 * task has, so a layer that may go on without its stragglers has to run its agents inside a single
 * node: they start together, and once `quorum.min` have answered (and `deadlineMs` has passed, when
 * set) the others are cancelled through their AbortSignal and recorded as late.
 *
 * @example
 * graph.addNode("layer1", createQuorumLayerNode({ agents, quorum: { min: 2 } }));
 */
export function createQuorumLayerNode({ agents, quorum }: QuorumLayerNodeOptions) {
  return async (state: MoAStateValue, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    const first = agents[0];
    if (!first) return {};
    // Every agent of a layer sees the same input; the first one reports bad input or a failed previous layer.
    const input = prepareAgentInput({ agent: first.agent, state });
    if (!input) return {};
    const stop = new AbortController();
    let answered = 0;
    let deadlinePassed = quorum.deadlineMs === undefined || quorum.deadlineMs === 0;
    let release: () => void = () => undefined;
    const quorumReached = new Promise<void>((resolve) => (release = resolve));
    const check = () => {
      if (answered >= quorum.min && deadlinePassed) release();
    };
    const timer = deadlinePassed ? undefined : setTimeout(() => ((deadlinePassed = true), check()), quorum.deadlineMs);
    const lateReason = () => `late: cancelled after ${answered} of ${agents.length} agents answered (quorum ${quorum.min})`;

    const calls = agents.map(async ({ agent, model }) => {
      const result = await callAgent({ agent, model, messages: input.messages, turn: input.turn, config, stopSignal: stop.signal, lateReason });
      if (result.answer.error === undefined) answered++;
      check();
      return result.answer;
    });
    const allDone = Promise.all(calls);
    try {
      await Promise.race([allDone, quorumReached]);
    } finally {
      if (timer) clearTimeout(timer);
    }
    stop.abort(new DOMException("quorum reached", "AbortError"));
    // Stragglers settle at once after the abort, each recorded as late.
    const answers: AgentAnswer[] = await allDone;
    return { answers };
  };
}
