import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AIMessage } from "@langchain/core/messages";
import { task, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import type { QuorumConfig } from "../config/agentSchema.js";
import type { AgentAnswer, MoAStateUpdate, MoAStateValue } from "../state/moaState.js";
import { callAgent } from "./callAgent.js";
import { assertPreviousLayer } from "./layerReferences.js";
import { prepareAgentInput } from "./prepareAgentInput.js";
import { savedAnswer } from "./savedAnswer.js";
import { replyAllowed } from "./replyTag.js";

/** Inputs for {@link createQuorumLayerNode}. */
export interface QuorumLayerNodeOptions {
  agents: ReadonlyArray<{ agent: ResolvedAgent; model: BaseChatModel }>;
  quorum: QuorumConfig;
  /** Which agents run this turn (a router's choice); all of them when absent. */
  select?: (state: MoAStateValue) => readonly string[];
  /** Whether a lone answer is the reply (appended to the conversation), e.g. one routed expert. */
  answersDirectly?: (state: MoAStateValue) => boolean;
}

/**
 * One node that runs a whole layer with quorum fan-in. LangGraph ends a superstep only when every
 * task has, so a layer that may go on without its stragglers has to run its agents inside a single
 * node: they start together, and once `quorum.min` have answered (and, with `deadlineMs`, that long
 * after the start has passed) the others are cancelled through their AbortSignal and recorded as
 * late. When fewer agents run than `min` (a router chose fewer), all of them are awaited. Answers
 * saved by an earlier attempt of this turn (a resumed run) count toward the quorum without a call.
 *
 * Each agent's call is a LangGraph `task`, so its result is checkpointed the moment it finishes: a
 * run that crashes or is interrupted inside the layer does not pay again for the calls that had
 * finished (a resumed node replays their saved results).
 *
 * @example
 * graph.addNode("layer1", createQuorumLayerNode({ agents, quorum: { min: 2 } }));
 */
export function createQuorumLayerNode({ agents, quorum, select, answersDirectly }: QuorumLayerNodeOptions) {
  return async (state: MoAStateValue, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    const chosen = select ? new Set(select(state)) : undefined;
    const selected = chosen ? agents.filter(({ agent }) => chosen.has(agent.id)) : agents;
    const saved = selected.filter(({ agent }) => savedAnswer(state, agent.id)).length;
    const running = selected.filter(({ agent }) => !savedAnswer(state, agent.id));
    const first = running[0];
    if (!first) return {};
    // Every agent of a layer sees the same input; checking it once reports bad input or a failed previous layer.
    assertPreviousLayer(first.agent, state);
    const input = await prepareAgentInput({ agent: { ...first.agent, index: 0 }, model: first.model, state });
    if (!input) return {};
    const needed = Math.min(quorum.min, selected.length);
    if (saved >= needed) return {};
    const stop = new AbortController();
    let answered = saved;
    let deadlinePassed = quorum.deadlineMs === undefined || quorum.deadlineMs === 0;
    let release: () => void = () => undefined;
    const quorumReached = new Promise<void>((resolve) => (release = resolve));
    const check = () => {
      if (answered >= needed && deadlinePassed) release();
    };
    const timer = deadlinePassed ? undefined : setTimeout(() => ((deadlinePassed = true), check()), quorum.deadlineMs);
    const lateReason = () => `late: cancelled after ${answered} of ${selected.length} agents answered (quorum ${needed})`;

    // A lone chosen agent that answers directly (one routed expert) streams the reply.
    const reply = selected.length === 1 && answersDirectly?.(state) === true && replyAllowed(config);
    const calls = running.map(async ({ agent, model }) => {
      // Tasks are matched to their saved results by name and call order, both fixed here.
      const call = task(`call ${agent.id}`, () =>
        callAgent({
          agent,
          model,
          input,
          config,
          stopSignal: stop.signal,
          lateReason,
          reply,
        }),
      );
      const result = await call();
      if (result.answer.error === undefined) answered++;
      check();
      return result;
    });
    const allDone = Promise.all(calls);
    try {
      await Promise.race([allDone, quorumReached]);
    } finally {
      if (timer) clearTimeout(timer);
    }
    stop.abort(new DOMException("quorum reached", "AbortError"));
    // Stragglers settle at once after the abort, each recorded as late.
    const results = await allDone;
    const answers: AgentAnswer[] = results.map((r) => r.answer);
    const messages = results.flatMap((r) => (r.message ? [r.message] : []));
    if (answersDirectly?.(state) && messages.length === 1) return { answers, messages: [messages[0] as AIMessage] };
    return { answers };
  };
}
