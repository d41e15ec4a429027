import { z } from "zod";
import { MessagesValue, ReducedValue, StateSchema } from "@langchain/langgraph";

/** Token counts reported by the model (`usage_metadata`). */
export const TokenUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});

/** One agent's answer (or failure) in one layer of one turn. */
export const AgentAnswerSchema = z.object({
  /** Which user turn of the conversation this answer belongs to (1-based). */
  turn: z.number().int().positive(),
  /** 1-based layer; the final aggregator's layer is the number of proposer layers + 1. */
  layer: z.number().int().positive(),
  role: z.enum(["proposer", "aggregator", "final"]),
  agent: z.string(),
  /** Position of the agent in its layer's declaration (0-based), for stable ordering. */
  agentIndex: z.number().int().nonnegative(),
  nodeId: z.string(),
  model: z.string(),
  /** The answer text; absent when the call failed. */
  content: z.string().optional(),
  /** Why the call failed; absent on success. */
  error: z.string().optional(),
  /** True when a quorum layer went on without this agent and cancelled its call. */
  late: z.boolean().optional(),
  latencyMs: z.number().nonnegative(),
  usage: TokenUsageSchema.optional(),
  startedAt: z.string(),
});

export type TokenUsage = z.infer<typeof TokenUsageSchema>;
export type AgentAnswer = z.infer<typeof AgentAnswerSchema>;

/** Answers of every turn accumulate; each record carries its `turn`, so one turn's layers can be read back. */
export function appendAnswers(current: AgentAnswer[], update: AgentAnswer | AgentAnswer[]): AgentAnswer[] {
  return current.concat(update);
}

/** The answers of the latest turn present in `answers`. */
export function latestTurnAnswers(answers: readonly AgentAnswer[]): AgentAnswer[] {
  const latest = answers.reduce((max, answer) => Math.max(max, answer.turn), 0);
  return answers.filter((answer) => answer.turn === latest);
}

/** Graph state of every MoA-style topology: the conversation and every intermediate answer. */
export const MoAState = new StateSchema({
  messages: MessagesValue,
  answers: new ReducedValue(z.array(AgentAnswerSchema).default(() => []), {
    // Nodes write lists, so the list branch is tried first: LangGraph validates every update.
    inputSchema: z.union([z.array(AgentAnswerSchema), AgentAnswerSchema]),
    reducer: appendAnswers,
  }),
});

/** What a caller sends: the conversation so far, ending with the user's message. */
export const MoAInput = new StateSchema({ messages: MessagesValue });

export type MoAStateValue = typeof MoAState.State;
export type MoAStateUpdate = typeof MoAState.Update;
