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
  nodeId: z.string(),
  model: z.string(),
  /** The answer text; absent when the call failed. */
  content: z.string().optional(),
  /** Why the call failed; absent on success. */
  error: z.string().optional(),
  latencyMs: z.number().nonnegative(),
  usage: TokenUsageSchema.optional(),
  startedAt: z.string(),
});

export type TokenUsage = z.infer<typeof TokenUsageSchema>;
export type AgentAnswer = z.infer<typeof AgentAnswerSchema>;

/**
 * Answers accumulate within a turn; the first answer of a new turn clears the previous turn's,
 * so a long conversation on one thread does not grow its state without bound. Earlier turns stay
 * readable from the checkpoint history.
 */
export function keepLatestTurn(current: AgentAnswer[], update: AgentAnswer | AgentAnswer[]): AgentAnswer[] {
  const incoming = Array.isArray(update) ? update : [update];
  if (incoming.length === 0) return current;
  const newest = Math.max(...incoming.map((answer) => answer.turn));
  return [...current.filter((answer) => answer.turn >= newest), ...incoming];
}

/** Graph state of every MoA-style topology: the conversation and every intermediate answer. */
export const MoAState = new StateSchema({
  messages: MessagesValue,
  answers: new ReducedValue(z.array(AgentAnswerSchema).default(() => []), {
    inputSchema: z.union([AgentAnswerSchema, z.array(AgentAnswerSchema)]),
    reducer: keepLatestTurn,
  }),
});

/** What a caller sends: the conversation so far, ending with the user's message. */
export const MoAInput = new StateSchema({ messages: MessagesValue });

export type MoAStateValue = typeof MoAState.State;
export type MoAStateUpdate = typeof MoAState.Update;
