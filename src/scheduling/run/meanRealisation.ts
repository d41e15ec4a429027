import type { Realisation } from "../sampleRealisation.js";
import type { SchedulingProblem } from "../types.js";

/**
 * A draw with every service time at its profile's mean and the gate's real decisions: what the simulator
 * should predict for a batch that has run, to compare with its measured makespan.
 *
 * @example
 * simulateSchedule({ problem, schedule, realisation: meanRealisation({ problem, skipped: report.skipped }) });
 */
export function meanRealisation({
  problem,
  skipped,
}: {
  problem: SchedulingProblem;
  skipped: ReadonlyArray<boolean | undefined>;
}): Realisation {
  const mean = (m: number) => problem.models[m]!.meanServiceSeconds;
  return {
    expertSeconds: problem.queries.map((q) => q.experts.map(mean)),
    aggregatorSeconds: problem.queries.map((q, i) => (q.aggregator === undefined || skipped[i] === true ? 0 : mean(q.aggregator))),
    skipped: problem.queries.map((q, i) => q.aggregator !== undefined && skipped[i] === true),
  };
}
