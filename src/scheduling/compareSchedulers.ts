import { lowerBound, type MakespanLowerBound } from "./lowerBound.js";
import { sampleRealisation } from "./sampleRealisation.js";
import { simulateSchedule, type SimulationResult } from "./simulateSchedule.js";
import type { Schedule, Scheduler, SchedulingProblem, SolveReport } from "./types.js";

/** One scheduler's schedule and how it ran in the simulator. */
export interface SchedulerOutcome {
  schedule: Schedule;
  simulation: SimulationResult;
}

/** Every scheduler's outcome on one draw of the batch, and the bound they are measured against. */
export interface SchedulerComparison {
  seed: number;
  lowerBound: MakespanLowerBound;
  outcomes: SchedulerOutcome[];
}

/** Options of {@link compareSchedulers}. */
export interface CompareSchedulersOptions {
  problem: SchedulingProblem;
  schedulers: readonly Scheduler[];
  /** Seed of the simulated service times and gate decisions; every schedule runs on the same draw. */
  seed?: number;
  timeLimitSeconds?: number;
  signal?: AbortSignal;
}

/**
 * Builds each scheduler's schedule and simulates all of them on the same draw of service times.
 *
 * @example
 * const { outcomes, lowerBound } = await compareSchedulers({ problem, schedulers, seed: 1 });
 * outcomes.map((o) => o.simulation.makespanSeconds); // [5120.2, 3981.7, ...]
 */
export async function compareSchedulers({
  problem,
  schedulers,
  seed = 1,
  timeLimitSeconds,
  signal,
}: CompareSchedulersOptions): Promise<SchedulerComparison> {
  const realisation = sampleRealisation({ problem, seed });
  const outcomes: SchedulerOutcome[] = [];
  for (const scheduler of schedulers) {
    signal?.throwIfAborted();
    const schedule = await scheduler.schedule({
      problem,
      ...(timeLimitSeconds === undefined ? {} : { timeLimitSeconds }),
      ...(signal ? { signal } : {}),
    });
    outcomes.push({ schedule, simulation: simulateSchedule({ problem, schedule, realisation }) });
  }
  return { seed, lowerBound: lowerBound({ problem }), outcomes };
}

/** One scheduler's line of `moa schedule --json`. */
export interface SchedulerSummary {
  makespanSeconds: number;
  expertStageSeconds: number;
  aggregatorStageSeconds: number;
  loads: number;
  utilisation: number;
  /** Makespan / lower bound (1 = provably optimal). */
  boundRatio: number;
  solveSeconds: number;
  solve?: SolveReport;
  note?: string;
  workers: SimulationResult["workers"];
}

/**
 * The comparison as plain data, seconds rounded to the millisecond.
 *
 * @example
 * JSON.stringify(summariseComparison({ comparison }));
 */
export function summariseComparison({ comparison }: { comparison: SchedulerComparison }): {
  seed: number;
  lowerBoundSeconds: number;
  lowerBoundBinding: MakespanLowerBound["binding"];
  schedulers: Record<string, SchedulerSummary>;
} {
  const bound = comparison.lowerBound.seconds;
  const schedulers: Record<string, SchedulerSummary> = {};
  for (const { schedule, simulation } of comparison.outcomes) {
    schedulers[schedule.scheduler] = {
      makespanSeconds: ms(simulation.makespanSeconds),
      expertStageSeconds: ms(simulation.expertStageSeconds),
      aggregatorStageSeconds: ms(simulation.aggregatorStageSeconds),
      loads: simulation.loads,
      utilisation: Math.round(simulation.utilisation * 1000) / 1000,
      boundRatio: bound > 0 ? Math.round((simulation.makespanSeconds / bound) * 1000) / 1000 : 1,
      solveSeconds: ms(schedule.solveSeconds),
      ...(schedule.solve ? { solve: schedule.solve } : {}),
      ...(schedule.note ? { note: schedule.note } : {}),
      workers: simulation.workers.map((w) => ({
        ...w,
        busySeconds: ms(w.busySeconds),
        loadSeconds: ms(w.loadSeconds),
        idleSeconds: ms(w.idleSeconds),
      })),
    };
  }
  return { seed: comparison.seed, lowerBoundSeconds: ms(bound), lowerBoundBinding: comparison.lowerBound.binding, schedulers };
}

function ms(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
