import { Command, type StateSnapshot } from "@langchain/langgraph";
import { HumanMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { currentTurn } from "../state/currentTurn.js";
import type { AgentAnswer, MoAStateValue } from "../state/moaState.js";

/** What a compiled topology graph must offer to be resumed (any graph built by this package does). */
export interface ResumableGraph {
  getState(config: RunnableConfig): Promise<StateSnapshot>;
  getStateHistory(config: RunnableConfig): AsyncIterableIterator<StateSnapshot>;
}

/** How to resume a thread: pass `input` and `config` to the graph's `invoke` or `stream`. */
export type ResumePlan =
  | { kind: "finished" }
  | {
      /**
       * The last turn has no answer, but the graph has nothing left to run on it: the topology changed
       * since the attempt (an agent replaced or renamed), so the stopped steps belong to agents that no
       * longer exist. The turn's question is asked again, from the checkpoint before it, with the current
       * topology; the attempt stays in the thread's history.
       */
      kind: "reask";
      turn: number;
      question: string;
      input: { messages: HumanMessage[] };
      config: RunnableConfig;
    }
  | {
      /** The run stopped between steps (crash, kill, Ctrl-C): it goes on where it stopped. */
      kind: "continue";
      next: string[];
      input: null;
      config: RunnableConfig;
    }
  | {
      /**
       * The run failed because a layer had too few answers: that layer runs again, its failed
       * agents are called again, and the agents that answered keep their saved answers.
       */
      kind: "retry";
      layer: number;
      /** Names of the agents called again. */
      retried: string[];
      /** Names of the agents whose saved answers are kept. */
      kept: string[];
      /** Why the run failed. */
      reason: string;
      input: Command;
      config: RunnableConfig;
    };

/**
 * Works out how to resume a thread of a checkpointed topology graph.
 *
 * - An interrupted run continues from its last checkpoint: agents whose answers were saved are not
 *   called again (LangGraph keeps the writes of finished nodes).
 * - A failed run (a layer below its `minSuccessful`, every agent failed, ...) would fail the same
 *   way if simply continued, since its failed agents' records stand. Instead the run is forked from
 *   the checkpoint before that layer, with the layer's successful answers carried into the fork:
 *   only the agents that failed are called again (see savedAnswer).
 * - When the failure came after the last layer that has failed agents (e.g. the aggregator with
 *   `onFailure: fail`), the failed node itself is run again.
 *
 * @example
 * const plan = await prepareResume(graph, { configurable: { thread_id: "t1" } });
 * if (plan.kind !== "finished") await graph.invoke(plan.input, plan.config);
 */
export async function prepareResume(graph: ResumableGraph, config: RunnableConfig): Promise<ResumePlan> {
  const state = await graph.getState(config);
  if (state.next.length === 0) return (await reaskPlan(graph, config, state)) ?? { kind: "finished" };
  const failedTask = state.tasks.find((t) => t.error !== undefined);
  const continuePlan = { kind: "continue" as const, next: [...state.next], input: null, config: threadOnly(config) };
  if (!failedTask) return continuePlan;

  const values = state.values as MoAStateValue;
  const turn = currentTurn(values.messages);
  const ownRecords = values.answers.filter((a) => a.turn === turn && a.stage === undefined && a.role !== "router");
  if (ownRecords.length === 0) return continuePlan;
  const layer = Math.max(...ownRecords.map((a) => a.layer));
  const ofLayer = ownRecords.filter((a) => a.layer === layer);
  const failed = ofLayer.filter((a) => !succeeded(a));
  if (failed.length === 0) return continuePlan;

  const before = await checkpointBefore(graph, config, { turn, layer });
  if (!before) return continuePlan;
  const kept = ofLayer.filter(succeeded);
  const keptIds = new Set(kept.map((a) => a.nodeId));
  // A stage expert's inner records travel with its answer, so cost and `moa show` still count them.
  const carried: AgentAnswer[] = values.answers.filter(
    (a) => a.turn === turn && (a.stage === undefined ? a.layer === layer && keptIds.has(a.nodeId) : keptIds.has(a.stage)),
  );
  return {
    kind: "retry",
    layer,
    retried: failed.map((a) => a.agent),
    kept: kept.map((a) => a.agent),
    reason: errorMessage(failedTask.error),
    input: new Command({ update: { answers: carried } }),
    config: before.config,
  };
}

/** The newest checkpoint of `turn` that is about to run `layer`: it has none of the layer's records yet. */
async function checkpointBefore(
  graph: ResumableGraph,
  config: RunnableConfig,
  { turn, layer }: { turn: number; layer: number },
): Promise<StateSnapshot | undefined> {
  for await (const snapshot of graph.getStateHistory(threadOnly(config))) {
    const values = snapshot.values as Partial<MoAStateValue>;
    if (!values.messages || !values.answers || snapshot.next.length === 0) continue;
    if (currentTurn(values.messages) !== turn) continue;
    if (!values.answers.some((a) => a.turn === turn && a.layer === layer && a.stage === undefined)) return snapshot;
  }
  return undefined;
}

/** A plan to ask an unanswered last turn again, or undefined when the last turn was answered. */
async function reaskPlan(graph: ResumableGraph, config: RunnableConfig, state: StateSnapshot): Promise<ResumePlan | undefined> {
  const messages = (state.values as Partial<MoAStateValue>).messages ?? [];
  const question = messages.at(-1);
  if (!question || question.getType() !== "human") return undefined;
  for await (const snapshot of graph.getStateHistory(threadOnly(config))) {
    const earlier = (snapshot.values as Partial<MoAStateValue>).messages ?? [];
    if (earlier.length < messages.length)
      return {
        kind: "reask",
        turn: currentTurn(messages),
        question: question.text,
        input: { messages: [new HumanMessage({ content: question.content })] },
        config: snapshot.config,
      };
  }
  return undefined;
}

function succeeded(a: AgentAnswer): boolean {
  return a.error === undefined && typeof a.content === "string" && a.content.trim() !== "";
}

function threadOnly(config: RunnableConfig): RunnableConfig {
  const { checkpoint_id: _ignored, ...configurable } = config.configurable ?? {};
  return { ...config, configurable };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === "object" && "message" in error) return String((error as { message: unknown }).message);
  return String(error);
}
