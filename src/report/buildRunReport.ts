import { latestTurnAnswers, type AgentAnswer, type GateRecord, type MoAStateValue, type RouteRecord } from "../state/moaState.js";
import { summarizeCost, type RunCost } from "./summarizeCost.js";
import { summarizeRun, type AgentSummaryRow } from "./summarizeRun.js";

/** Everything a client shows of one turn: the answer, every agent's record, decisions, totals and cost. */
export interface RunReport {
  /** The topology's name and kind. */
  topology: string;
  kind: string;
  /** The thread the turn ran on, when it was persisted. */
  thread?: string;
  /** The user's question of this turn. */
  question: string | undefined;
  /** The reply, if the run produced one. */
  answer: string | undefined;
  /** Every agent call of this turn, in the order they were recorded. */
  answers: AgentAnswer[];
  /** One row per agent, in layer and declared order. */
  rows: AgentSummaryRow[];
  route?: RouteRecord;
  gate?: GateRecord;
  /** `failed` counts failed calls; `late` the quorum stragglers that were cancelled (not failures). */
  totals: { calls: number; failed: number; late: number; inputTokens: number; outputTokens: number };
  cost: RunCost;
}

/**
 * The report of a run's latest turn, built from its final state, for the CLI (`--json` and its tables)
 * and any server alike.
 *
 * @example
 * const state = await graph.invoke(input, config);
 * const report = buildRunReport({ state, topology: { name: "moa-lite", kind: "moa" }, thread: "t1" });
 * console.log(report.answer, report.cost.calls);
 */
export function buildRunReport({
  state,
  topology,
  thread,
}: {
  state: Pick<MoAStateValue, "messages" | "answers" | "routes" | "gates">;
  topology: { name: string; kind: string };
  thread?: string | undefined;
}): RunReport {
  const summary = summarizeRun(state);
  const route = state.routes.at(-1);
  const gate = state.gates.at(-1);
  return {
    topology: topology.name,
    kind: topology.kind,
    ...(thread !== undefined ? { thread } : {}),
    question: state.messages.filter((m) => m.getType() === "human").at(-1)?.text,
    answer: summary.answer,
    answers: latestTurnAnswers(state.answers),
    rows: summary.rows,
    ...(route ? { route } : {}),
    ...(gate ? { gate } : {}),
    totals: summary.totals,
    cost: summarizeCost(state),
  };
}
