import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AIMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import { activeParamsOf } from "../models/activeParamsOf.js";
import { answerCharLimit } from "../models/answerLimits.js";
import { isModelRef } from "../models/ModelRef.js";
import { ResponseTooLargeError } from "../models/ResponseTooLargeError.js";
import { callLabels } from "./agentLabels.js";
import type { PreparedAgentInput } from "./prepareAgentInput.js";
import { describeError } from "../models/describeError.js";
import { withRetries } from "../policy/withRetries.js";
import { callDeadline } from "../util/abortable.js";
import type { AgentAnswer, TokenUsage } from "../state/moaState.js";

/** Events written to the `"custom"` stream as agents start and finish. */
export type MoAStreamEvent =
  | {
      event: "agent_start";
      nodeId: string;
      layer: number;
      agent: string;
      role: AgentAnswer["role"];
      model: string;
      reply?: true;
      /** Set on the calls of a nested topology run as an expert: that expert's node id (see {@link AgentAnswer}). */
      stage?: string;
    }
  /** `reply` marks the call whose tokens were the reply (streamed with the reply tag). */
  | ({ event: "agent_end"; reply?: true } & AgentAnswer)
  /** The final aggregator failed and the reply is the answer of node `from` (policy `best-proposer`). */
  | { event: "aggregator_fallback"; nodeId: string; from: string; reason: string };

/** Result of one agent call: the recorded answer, plus the model's message on success. */
export interface AgentCallResult {
  answer: AgentAnswer;
  message?: AIMessage;
}

/** Inputs for {@link callAgent}. */
export interface CallAgentOptions {
  agent: ResolvedAgent;
  model: BaseChatModel;
  /** What the agent is sent, as {@link prepareAgentInput} made it (its turn, and any context cuts, are recorded). */
  input: PreparedAgentInput;
  config: LangGraphRunnableConfig;
  /**
   * Cancels this call without cancelling the run (a quorum layer that went on without it): the
   * call is recorded as late, with `lateReason` as its error.
   */
  stopSignal?: AbortSignal;
  lateReason?: () => string;
  /** Whether this call's tokens are the topology's reply: its model call is tagged {@link REPLY_TAG}. */
  reply?: boolean;
}

/**
 * Calls one agent's model and records what happened. It never throws for a model failure: the
 * failure is part of the answer record, so that one bad proposer cannot sink a layer.
 *
 * Transient failures are retried (`retries`, `retryBackoffMs`; see withRetries) within the same
 * `timeoutMs`: the timeout bounds the whole call, waits included, so a slow server cannot stretch a
 * layer to (retries + 1) timeouts.
 *
 * @example
 * const input = await prepareAgentInput({ agent, model, state });
 * if (input) {
 *   const { answer, message } = await callAgent({ agent, model, input, config });
 *   if (!message) console.error(`${answer.agent} failed after ${answer.attempts} attempt(s): ${answer.error}`);
 * }
 */
export async function callAgent({
  agent,
  model,
  input,
  config,
  stopSignal,
  lateReason,
  reply = false,
}: CallAgentOptions): Promise<AgentCallResult> {
  const { messages, turn, contextCuts } = input;
  const startedAt = Date.now();
  const started = performance.now();
  // Looked up while the model works (a GGUF header read the first time, then cached).
  const activeParamsLookup = activeParamsOf(agent);
  const { writer } = config;
  writer?.({
    event: "agent_start",
    nodeId: agent.id,
    layer: agent.layer,
    agent: agent.name,
    role: agent.role,
    model: agent.modelLabel,
    ...(reply ? { reply } : {}),
  } satisfies MoAStreamEvent);

  const deadline = callDeadline(agent.settings.timeoutMs, config.signal, stopSignal);
  const labels = callLabels(agent);
  const tags = reply ? labels.replyTags : labels.tags;
  let message: AIMessage | undefined;
  let outcome: { content: string; usage: TokenUsage | undefined } | { error: string; late: boolean };
  let attempts = 0;
  // Why the earlier attempts failed: a call that then times out says what it was retrying.
  let lastRetried: unknown;
  try {
    message = await withRetries(
      () => {
        attempts++;
        const metadata = attempts === 1 ? labels.metadata : { ...labels.metadata, moa_attempt: attempts };
        return deadline.race(model.invoke(messages, { signal: deadline.signal, runName: agent.id, tags, metadata }) as Promise<AIMessage>);
      },
      {
        retries: agent.settings.retries,
        backoffMs: agent.settings.retryBackoffMs,
        signal: deadline.signal,
        onRetry: ({ error }) => (lastRetried = error),
      },
    );
    const text = message.text;
    if (text.trim() === "") throw new EmptyAnswerError();
    // Only a model made from a reference was sent maxTokens; an instance given in code has its own.
    const limit = answerCharLimit(agent.settings.maxTokens);
    if (isModelRef(agent.model) && text.length > limit) {
      throw new ResponseTooLargeError(
        `the answer has ${text.length} characters, more than the ${limit} allowed for maxTokens ${agent.settings.maxTokens}: the server may be ignoring the token limit`,
        limit,
      );
    }
    outcome = { content: text, usage: readUsage(message) };
  } catch (error) {
    // A run-level cancellation must stop the graph, not be recorded as one agent's failure.
    if (config.signal?.aborted) throw error;
    const late = stopSignal?.aborted === true;
    const reason = late
      ? (lateReason?.() ?? "late: cancelled")
      : deadline.timedOut()
        ? `timed out after ${agent.settings.timeoutMs} ms${lastRetried !== undefined ? `, while retrying after: ${describeError(lastRetried)}` : ""}`
        : describeError(error);
    outcome = { error: reason, late };
    message = undefined;
  } finally {
    deadline.clear();
  }
  const latencyMs = performance.now() - started;
  const activeParams = await activeParamsLookup;
  // One object literal per outcome, absent fields left undefined: records keep one shape (this runs
  // for every call), and undefined fields vanish when a record is serialized.
  const { layer, role, name, index, id, modelLabel } = agent;
  const answer: AgentAnswer =
    "content" in outcome
      ? {
          turn,
          layer,
          role,
          agent: name,
          agentIndex: index,
          nodeId: id,
          model: modelLabel,
          content: outcome.content,
          attempts,
          latencyMs,
          usage: outcome.usage,
          activeParams,
          contextCuts,
          startedAt: new Date(startedAt).toISOString(),
        }
      : {
          turn,
          layer,
          role,
          agent: name,
          agentIndex: index,
          nodeId: id,
          model: modelLabel,
          error: outcome.error,
          late: outcome.late || undefined,
          attempts: attempts > 0 ? attempts : undefined,
          latencyMs,
          activeParams,
          contextCuts,
          startedAt: new Date(startedAt).toISOString(),
        };
  writer?.({ event: "agent_end", ...answer, ...(reply ? { reply } : {}) } satisfies MoAStreamEvent);
  return message ? { answer, message } : { answer };
}

class EmptyAnswerError extends Error {
  constructor() {
    super("the model returned an empty answer");
  }
}

function readUsage(message: AIMessage): TokenUsage | undefined {
  const usage = message.usage_metadata;
  if (!usage) return undefined;
  return { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, totalTokens: usage.total_tokens };
}
