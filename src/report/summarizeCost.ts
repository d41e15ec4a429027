import { latestTurnAnswers, type MoAStateValue } from "../state/moaState.js";

/** What one run cost. */
export interface RunCost {
  /** Model calls made (router, experts, proposers, aggregators, nested stages), failed ones included. */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /**
   * Sum of the active parameters of the models that were called (unknown models count 0); divide by
   * the number of queries for the average per query, as the CoE paper compares with one large model.
   */
  activeParams: number;
  /** Calls whose model's parameter count is unknown. */
  callsWithUnknownParams: number;
}

/**
 * Cost of the latest turn of any topology's run, from its `answers` records.
 *
 * @example
 * const { calls, activeParams } = summarizeCost(await graph.invoke(input));
 */
export function summarizeCost(state: Pick<MoAStateValue, "answers">): RunCost {
  // A stage expert's own record stands for its inner calls, which are counted one by one instead.
  const records = latestTurnAnswers(state.answers).filter((a) => !a.composite);
  return {
    calls: records.length,
    inputTokens: records.reduce((n, a) => n + (a.usage?.inputTokens ?? 0), 0),
    outputTokens: records.reduce((n, a) => n + (a.usage?.outputTokens ?? 0), 0),
    activeParams: records.reduce((n, a) => n + (a.activeParams ?? 0), 0),
    callsWithUnknownParams: records.filter((a) => a.activeParams === undefined).length,
  };
}
