import { z } from "zod";
import type { BaseMessage } from "@langchain/core/messages";
import { Annotation, DeltaChannel, messagesDeltaReducer, type Messages } from "@langchain/langgraph";
import { upgradeAnswers } from "./upgradeAnswers.js";

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
  /**
   * proposer (layer 1), refiner (layers 2..n, improving the previous layer's answers), final (the final
   * aggregator, whose answer is the reply), router, expert. Earlier versions stored `aggregator` for
   * refiners; such records load as `refiner`.
   */
  role: z.enum(["proposer", "refiner", "final", "router", "expert"]),
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
  /** Set on records of a nested topology run as an expert (the expert's node id): kept for inspection and cost, never aggregated. */
  stage: z.string().optional(),
  /** True on a stage expert's own record, which stands for the stage's calls rather than being one. */
  composite: z.boolean().optional(),
  /** Model calls made for this answer: 1, plus one per retry after a transient failure. */
  attempts: z.number().int().positive().optional(),
  /** On a final aggregator's failed record: the node id of the answer used as the reply instead. */
  fallbackFrom: z.string().optional(),
  latencyMs: z.number().nonnegative(),
  usage: TokenUsageSchema.optional(),
  /** What the context budget cut from this aggregating agent's prompt (see src/context); absent when nothing was cut. */
  contextCuts: z
    .object({
      /** Each cut reference: its 1-based `<response id>` and its size before and after, without the marker. */
      references: z.array(
        z.object({
          index: z.number().int().positive(),
          fromTokens: z.number().int().nonnegative(),
          toTokens: z.number().int().nonnegative(),
        }),
      ),
      /** Oldest conversation messages left out of the prompt (never the latest user message). */
      droppedMessages: z.number().int().nonnegative(),
      windowTokens: z.number().int().positive(),
      promptTokens: z.number().int().nonnegative(),
      /** Whether the counts come from the model's tokenizer or the characters / 4 estimate. */
      tokenizer: z.enum(["model", "estimate"]),
    })
    .optional(),
  /** Parameters active per token of the model that answered (declared, or read from GGUF metadata). */
  activeParams: z.number().nonnegative().optional(),
  startedAt: z.string(),
});

export type TokenUsage = z.infer<typeof TokenUsageSchema>;
export type AgentAnswer = z.infer<typeof AgentAnswerSchema>;

/** The answers of the latest turn present in `answers`. */
export function latestTurnAnswers(answers: readonly AgentAnswer[]): AgentAnswer[] {
  const latest = answers.reduce((max, answer) => Math.max(max, answer.turn), 0);
  return answers.filter((answer) => answer.turn === latest);
}

/** How a router classified one turn's input, and which experts it chose. */
export const RouteRecordSchema = z.object({
  turn: z.number().int().positive(),
  router: z.string(),
  /** The category whose experts answered; absent when the fallback answered. */
  category: z.string().optional(),
  /** What the router proposed (possibly unknown, or rejected for low confidence). */
  proposedCategory: z.string().optional(),
  confidence: z.number().min(0).max(1),
  usedFallback: z.boolean(),
  reason: z.string(),
  /** Node ids of the experts chosen. */
  experts: z.array(z.string()),
});

/** What the confidence gate decided in one turn (MOSAIC's adaptive skip). */
export const GateRecordSchema = z.object({
  turn: z.number().int().positive(),
  extractor: z.string(),
  threshold: z.number(),
  /** Size of the largest agreeing group / number of experts that answered. */
  confidence: z.number().min(0).max(1),
  skipped: z.boolean(),
  groups: z.array(z.object({ key: z.string(), members: z.array(z.string()) })),
  /** The agent whose full answer stood for the majority, when the aggregator was skipped. */
  representative: z.string().optional(),
  reason: z.string(),
});

export type RouteRecord = z.infer<typeof RouteRecordSchema>;
export type GateRecord = z.infer<typeof GateRecordSchema>;

/**
 * The conversation and the records grow with every turn. Delta channels keep each write once (with the
 * checkpoint that made it) and rebuild the list from those writes when a thread is loaded, instead of storing
 * the whole list again in every checkpoint, which made a thread's storage grow with the square of its length.
 * A full copy is written only when LangGraph's own bound on replay depth forces one (thousands of steps), so
 * the storage per turn stays flat.
 */
const SNAPSHOT_EVERY_UPDATES = 1_000_000;

function appendList<T>() {
  return new DeltaChannel<T[], T | T[]>((current, updates) => current.concat(...updates), {
    snapshotFrequency: SNAPSHOT_EVERY_UPDATES,
  });
}

/**
 * The answers list, upgraded as it loads: a thread's writes replay through the reducer, and a full copy
 * (a snapshot, or a checkpoint written before delta channels) comes in through `fromCheckpoint`; both
 * rename the role values earlier versions stored.
 */
class AnswersChannel extends DeltaChannel<AgentAnswer[], AgentAnswer | AgentAnswer[]> {
  constructor() {
    super(upgradingAppend, { snapshotFrequency: SNAPSHOT_EVERY_UPDATES });
  }

  override fromCheckpoint(checkpoint?: unknown): this {
    const channel = super.fromCheckpoint(checkpoint as never);
    const value = (channel as unknown as { value: unknown }).value;
    if (Array.isArray(value)) (channel as unknown as { value: AgentAnswer[] }).value = upgradeAnswers(value as AgentAnswer[]);
    return channel;
  }
}

function upgradingAppend(current: AgentAnswer[], updates: Array<AgentAnswer | AgentAnswer[]>): AgentAnswer[] {
  return upgradeAnswers(current.concat(...updates));
}

/**
 * Graph state of every topology: the conversation, every agent's answer, and (for routed and gated
 * topologies) each turn's routing and gate decisions. One state for all, so any topology can be a
 * stage of another. The record shapes are the zod schemas above (documentation, JSON Schema and
 * the served graphs' typed twin, see src/server/servedState.ts); updates written by our own nodes
 * are not validated again at run time, which LangGraph would otherwise do on every write.
 */
export const MoAState = Annotation.Root({
  messages: new DeltaChannel<BaseMessage[], Messages>(messagesDeltaReducer, { snapshotFrequency: SNAPSHOT_EVERY_UPDATES }),
  answers: new AnswersChannel(),
  routes: appendList<RouteRecord>(),
  gates: appendList<GateRecord>(),
});

/** What a caller sends: the conversation so far, ending with the user's message. */
export const MoAInput = Annotation.Root({ messages: MoAState.spec.messages });

export type MoAStateValue = typeof MoAState.State;
/** What the nodes that call models read: the conversation and the answers (see `readsAnswers`). */
export type AgentNodeState = Pick<MoAStateValue, "messages" | "answers">;
export type MoAStateUpdate = typeof MoAState.Update;
