import { RunInterruptedError } from "../../errors/RunInterruptedError.js";
import { plannedMakespan } from "../plannedMakespan.js";
import { planToSchedule } from "../planToSchedule.js";
import { stageDemand } from "../stageDemand.js";
import type { Schedule, Scheduler } from "../types.js";
import { buildIlpModel, columnsToPlan, planToColumns } from "./ilpModel.js";
import { lptPlan } from "./lptScheduler.js";
import { solveWithHighs, type MipOutcome, type MipSolver } from "./solveWithHighs.js";

/** Default hard limit on the solve, seconds. */
export const DEFAULT_ILP_TIME_LIMIT_SECONDS = 10;

/** Options of {@link createIlpScheduler}. */
export interface IlpSchedulerOptions {
  /** HiGHS stops once incumbent and bound are this close, relatively (default 1e-4). */
  relativeGap?: number;
  /** Replaces HiGHS, for tests. */
  solve?: MipSolver;
}

// HiGHS gets most of the budget for itself, so it can stop cleanly and hand back its incumbent before
// the thread is killed at the hard limit; the rest covers starting the thread, loading WebAssembly and
// HiGHS overrunning its own limit (it checks the clock between steps: up to a second was measured on a
// loaded machine). A killed solve still keeps the last incumbent HiGHS reported.
function solverSecondsWithin(limitSeconds: number): number {
  return Math.max(limitSeconds * 0.5, Math.min(limitSeconds * 0.75, limitSeconds - 1.5));
}

/**
 * Builds the `ilp` scheduler: the mixed-integer program of {@link buildIlpModel} solved by HiGHS,
 * started from the `lpt` plan, which is also the answer whenever the solver finds nothing better in time.
 *
 * @example
 * const exact = createIlpScheduler({ relativeGap: 0 });
 * const schedule = await exact.schedule({ problem, timeLimitSeconds: 5 });
 * schedule.solve; // { status: "optimal", gap: 0, objectiveSeconds: 812.5 }
 */
export function createIlpScheduler({ relativeGap = 1e-4, solve = solveWithHighs }: IlpSchedulerOptions = {}): Scheduler {
  return {
    name: "ilp",
    description: "Mixed-integer program (HiGHS) over placements and prompt counts, started from lpt; lpt when it finds nothing better",
    async schedule({ problem, timeLimitSeconds = DEFAULT_ILP_TIME_LIMIT_SECONDS, signal }): Promise<Schedule> {
      const started = performance.now();
      const elapsed = () => (performance.now() - started) / 1000;
      const demand = stageDemand({ problem });
      const fallbackPlan = lptPlan({ problem, demand });
      const fallback = plannedMakespan({ problem, plan: fallbackPlan, demand });
      const { lp, columns } = buildIlpModel({ problem, demand });
      const outcome = await solve({
        lp,
        columns,
        start: planToColumns({ plan: fallbackPlan, expertSeconds: fallback.expertSeconds, aggregatorSeconds: fallback.aggregatorSeconds }),
        solverSeconds: solverSecondsWithin(timeLimitSeconds),
        hardSeconds: Math.max(0, timeLimitSeconds - elapsed()),
        relativeGap,
        ...(signal ? { signal } : {}),
      });
      if (signal?.aborted) throw new RunInterruptedError("the ILP solve was cancelled");

      const solvedPlan = outcome.values ? columnsToPlan({ problem, demand, values: outcome.values }) : undefined;
      const solved = solvedPlan ? plannedMakespan({ problem, plan: solvedPlan, demand }) : undefined;
      const report = {
        status: outcome.status,
        gap: outcome.gap,
        objectiveSeconds: solved?.seconds,
      };
      // Equal plans are not worth the solver's word over the heuristic's: lpt is kept unless strictly better.
      if (solvedPlan && solved && solved.seconds < fallback.seconds * (1 - 1e-9)) {
        const steps = planToSchedule({ problem, plan: solvedPlan, demand });
        return {
          scheduler: "ilp",
          steps,
          solveSeconds: elapsed(),
          solve: report,
          ...(outcome.status === "optimal"
            ? {}
            : { note: `HiGHS stopped (${outcome.status}) with a gap of ${formatGap(outcome.gap)}; using its best plan` }),
        };
      }
      return {
        scheduler: "ilp",
        steps: planToSchedule({ problem, plan: fallbackPlan, demand }),
        solveSeconds: elapsed(),
        solve: report,
        note: fallbackNote({ outcome, timeLimitSeconds, lptSeconds: fallback.seconds }),
      };
    },
  };
}

function fallbackNote({
  outcome,
  timeLimitSeconds,
  lptSeconds,
}: {
  outcome: MipOutcome;
  timeLimitSeconds: number;
  lptSeconds: number;
}): string {
  const planned = `${lptSeconds.toFixed(1)} s planned`;
  if (outcome.values) {
    return outcome.status === "optimal"
      ? `HiGHS found nothing better than the lpt schedule (${planned}) within a gap of ${formatGap(outcome.gap)}; using it`
      : `HiGHS found nothing better than the lpt schedule (${planned}) before stopping (${outcome.status}); using it`;
  }
  if (outcome.status === "time_limit")
    return `HiGHS stopped at the ${timeLimitSeconds} s limit without a solution; using the lpt schedule (${planned})`;
  return `${outcome.detail ?? `HiGHS ended with status ${outcome.status}`}; using the lpt schedule (${planned})`;
}

function formatGap(gap: number | undefined): string {
  return gap === undefined || !Number.isFinite(gap) ? "unknown" : `${(gap * 100).toFixed(2)} %`;
}

/**
 * The `ilp` scheduler with its defaults: a relative gap of 1e-4 and a 10 s limit unless
 * `timeLimitSeconds` says otherwise.
 *
 * @example
 * const schedule = await ilpScheduler.schedule({ problem, timeLimitSeconds: 5 });
 * if (schedule.note) console.warn(schedule.note);
 */
export const ilpScheduler: Scheduler = createIlpScheduler();
