import { stageDemand, type StageDemand } from "./stageDemand.js";
import type { SchedulingProblem } from "./types.js";

/** A model placed on a worker for one stage, and how many of that stage's prompts it serves there. */
export interface PlannedPlacement {
  model: number;
  count: number;
}

/** One worker's plan: the models it serves in each stage, in the order it loads them. */
export interface WorkerPlan {
  expert: PlannedPlacement[];
  aggregator: PlannedPlacement[];
}

/**
 * What the `lpt` and `ilp` schedulers decide before concrete queries are chosen: `plan[w]` is worker w's
 * plan. {@link planToSchedule} turns it into explicit steps.
 */
export type Plan = WorkerPlan[];

/** The planned stage durations of a {@link Plan}, in seconds. */
export interface PlannedMakespan {
  /** Longest expert stage of any worker. */
  expertSeconds: number;
  /** Longest aggregator stage of any worker (expected: skipped aggregations take no time). */
  aggregatorSeconds: number;
  /** Their sum: the objective both schedulers minimise. */
  seconds: number;
}

/** Options of {@link plannedMakespan}. */
export interface PlannedMakespanOptions {
  problem: SchedulingProblem;
  plan: Plan;
  /** Precomputed, when the caller already has it. */
  demand?: StageDemand;
}

/**
 * The objective of the planning model: the longest expert stage plus the longest aggregator stage, as if
 * every worker waited for the whole expert stage before aggregating (a stage barrier, so an upper bound
 * on the real makespan, which the simulator measures). A worker's stage costs a load per placement plus
 * its prompts' mean service time divided by its speed. The one load it does not count: an aggregator
 * placement first in the aggregator stage whose model is the worker's last expert-stage model, which is
 * still resident whatever the capacity (the most recently loaded model is never the one evicted).
 *
 * @example
 * const plan = [{ expert: [{ model: 0, count: 10 }], aggregator: [{ model: 0, count: 5 }] }];
 * plannedMakespan({ problem, plan }).seconds; // load + 10 prompts, then 5 expected aggregations, no second load
 */
export function plannedMakespan({ problem, plan, demand = stageDemand({ problem }) }: PlannedMakespanOptions): PlannedMakespan {
  let expertSeconds = 0;
  let aggregatorSeconds = 0;
  plan.forEach((workerPlan, w) => {
    const speed = problem.workers[w]!.speed;
    let expertStage = 0;
    for (const { model, count } of workerPlan.expert) {
      const profile = problem.models[model]!;
      expertStage += profile.loadSeconds[w]! + (count * profile.meanServiceSeconds) / speed;
    }
    const kept = workerPlan.expert.at(-1)?.model;
    let aggregatorStage = 0;
    workerPlan.aggregator.forEach(({ model, count }, i) => {
      const load = i === 0 && model === kept ? 0 : problem.models[model]!.loadSeconds[w]!;
      aggregatorStage += load + (count * demand.aggregatorSecondsPerPrompt[model]!) / speed;
    });
    expertSeconds = Math.max(expertSeconds, expertStage);
    aggregatorSeconds = Math.max(aggregatorSeconds, aggregatorStage);
  });
  return { expertSeconds, aggregatorSeconds, seconds: expertSeconds + aggregatorSeconds };
}
