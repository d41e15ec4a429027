import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import type { AgentAnswer, MoAStateUpdate, MoAStateValue } from "../state/moaState.js";
import { summarizeRun } from "../report/summarizeRun.js";
import { callAgent, type MoAStreamEvent } from "./callAgent.js";
import { currentTurn } from "../state/currentTurn.js";
import { prepareAgentInput } from "./prepareAgentInput.js";
import { savedAnswer } from "./savedAnswer.js";
import { NOT_THE_REPLY, replyAllowed } from "./replyTag.js";
import { MoAError } from "../errors/MoAError.js";

/** Raised when the only answering expert fails (no aggregator or gate to fall back on). */
export class ExpertFailedError extends MoAError {
  constructor(expert: string, reason: string) {
    super(`the expert "${expert}" failed: ${reason}`, { code: "expert_failed", category: "run" });
    this.name = "ExpertFailedError";
  }
}

/** Something that runs like a compiled topology graph (a nested stage). */
export interface StageRunnable {
  invoke(input: { messages: BaseMessage[] }, config?: LangGraphRunnableConfig): Promise<Pick<MoAStateValue, "messages" | "answers">>;
}

/** Inputs for {@link createExpertNode}. */
export type ExpertNodeOptions = {
  /** Whether this expert's answer is the reply (appended to the conversation), possibly per run. */
  final: boolean | ((state: MoAStateValue) => boolean);
} & (
  | { kind: "agent"; agent: ResolvedAgent; model: BaseChatModel }
  | { kind: "stage"; id: string; name: string; layer: number; index: number; stage: StageRunnable }
);

/**
 * An expert's node. An agent expert answers the conversation; a stage expert runs a whole nested
 * topology (e.g. a MoA) and answers with its result, its inner records kept under `stage`.
 *
 * @example
 * graph.addNode(agent.id, createExpertNode({ kind: "agent", agent, model, final: false }));
 */
export function createExpertNode(options: ExpertNodeOptions) {
  return async (state: MoAStateValue, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    // Answered in an earlier attempt of this turn (a resumed run): not paid for twice.
    if (savedAnswer(state, options.kind === "agent" ? options.agent.id : options.id)) return {};
    const final = typeof options.final === "function" ? options.final(state) : options.final;
    const reply = final && replyAllowed(config);
    const result = options.kind === "agent" ? await runAgent(options, state, config, reply) : await runStage(options, state, config, reply);
    if (!result) return {};
    const { answer, message } = result;
    const answers = Array.isArray(answer) ? answer : [answer];
    const own = answers.at(-1)!;
    if (!final) return { answers };
    if (!message) throw new ExpertFailedError(own.agent, own.error ?? "no answer");
    return { answers, messages: [message] };
  };
}

async function runAgent(
  { agent, model }: { agent: ResolvedAgent; model: BaseChatModel },
  state: MoAStateValue,
  config: LangGraphRunnableConfig,
  reply: boolean,
) {
  // Null means bad input that the first expert reports; the others stand down (see prepareAgentInput).
  const input = await prepareAgentInput({ agent, model, state });
  if (!input) return undefined;
  return callAgent({ agent, model, input, config, reply });
}

async function runStage(
  { id, name, layer, index, stage }: { id: string; name: string; layer: number; index: number; stage: StageRunnable },
  state: MoAStateValue,
  config: LangGraphRunnableConfig,
  reply: boolean,
): Promise<{ answer: AgentAnswer[]; message?: AIMessage }> {
  const turn = currentTurn(state.messages);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const base = { turn, layer, role: "expert" as const, agent: name, agentIndex: index, nodeId: id, model: `stage ${name}` };
  const { writer } = config;
  const marked = reply ? { reply: true as const } : {};
  // The stage's calls are told apart from the outer topology's (their layers and names may be the same).
  const stageWriter = writer ? (chunk: unknown) => writer(insideStage(chunk, id)) : undefined;
  writer?.({ event: "agent_start", nodeId: id, layer, agent: name, role: "expert", model: base.model, ...marked } satisfies MoAStreamEvent);
  const ended = (own: AgentAnswer): AgentAnswer => {
    writer?.({ event: "agent_end", ...own, ...marked } satisfies MoAStreamEvent);
    return own;
  };
  try {
    // Callbacks and the stream writer flow in, so tracing and `--show-layers` see the stage's agents.
    const result = await stage.invoke(
      { messages: state.messages },
      {
        ...(config.signal ? { signal: config.signal } : {}),
        ...(config.callbacks ? { callbacks: config.callbacks } : {}),
        ...(stageWriter ? { writer: stageWriter } : {}),
        // The stage's own aggregator tags its tokens as the reply only when the stage answers the user.
        configurable: { [NOT_THE_REPLY]: !reply },
      },
    );
    const { answer } = summarizeRun(result);
    const inner = result.answers.filter((a) => a.turn === turn).map((a) => ({ ...a, stage: id, nodeId: `${id}/${a.nodeId}` }));
    // The stage's own record has no usage of its own: its calls are the inner records.
    const own = ended({
      ...base,
      composite: true,
      ...(answer ? { content: answer } : { error: "the stage produced no answer" }),
      latencyMs: performance.now() - started,
      startedAt,
    });
    const last = result.messages.at(-1);
    return { answer: [...inner, own], ...(answer && last ? { message: last as AIMessage } : {}) };
  } catch (error) {
    if (config.signal?.aborted) throw error;
    // Keep every line: a failed stage's message lists each of its agents' errors.
    const reason = error instanceof Error ? error.message.replace(/\s*\n\s*/g, " ") : String(error);
    return { answer: [ended({ ...base, composite: true, error: reason, latencyMs: performance.now() - started, startedAt })] };
  }
}

/** A stream event of a stage's call, marked with the stage (the outermost of nested stages, as its records are). */
function insideStage(chunk: unknown, stage: string): unknown {
  if (typeof chunk !== "object" || chunk === null || !("event" in chunk)) return chunk;
  const event = chunk as MoAStreamEvent;
  return event.event === "agent_start" || event.event === "agent_end" ? { ...event, stage } : chunk;
}
