import type { Plan, PlannedPlacement } from "../plannedMakespan.js";
import { planToSchedule } from "../planToSchedule.js";
import { stageDemand, type StageDemand } from "../stageDemand.js";
import type { SchedulingProblem, Scheduler } from "../types.js";

/** Options of {@link lptPlan}. */
export interface LptPlanOptions {
  problem: SchedulingProblem;
  demand?: StageDemand;
}

/**
 * Plans an expert-batched longest-processing-time schedule: each model's prompts are cut into a few
 * chunks (one per replica, and a replica only when it saves more than a load), and chunks go, largest
 * first, to the worker that would finish them first counting the load, never twice to the same worker.
 * The aggregator stage is planned the same way after the expert stage; a worker whose last expert model
 * is also an aggregator does not load it again.
 *
 * @example
 * const plan = lptPlan({ problem });
 * plannedMakespan({ problem, plan }).seconds;
 */
export function lptPlan({ problem, demand = stageDemand({ problem }) }: LptPlanOptions): Plan {
  const plan: Plan = problem.workers.map(() => ({ expert: [], aggregator: [] }));
  planStage({
    problem,
    prompts: demand.expertPrompts,
    secondsPerPrompt: problem.models.map((m) => m.meanServiceSeconds),
    placementsOf: (w) => plan[w]!.expert,
    keptOn: () => undefined,
  });
  // The model loaded last stays resident into the aggregator stage: make it the aggregator that saves
  // the longest load, so the aggregator stage below can use it for free.
  plan.forEach(({ expert }, w) => {
    const reusable = expert.filter(({ model }) => demand.aggregatorPrompts[model]! > 0);
    if (reusable.length === 0) return;
    const kept = reusable.reduce((a, b) => (problem.models[b.model]!.loadSeconds[w]! > problem.models[a.model]!.loadSeconds[w]! ? b : a));
    expert.splice(expert.indexOf(kept), 1);
    expert.push(kept);
  });
  planStage({
    problem,
    prompts: demand.aggregatorPrompts,
    secondsPerPrompt: demand.aggregatorSecondsPerPrompt,
    placementsOf: (w) => plan[w]!.aggregator,
    keptOn: (w) => plan[w]!.expert.at(-1)?.model,
  });
  plan.forEach((workerPlan) => {
    const kept = workerPlan.expert.at(-1)?.model;
    const first = workerPlan.aggregator.findIndex(({ model }) => model === kept);
    if (first > 0) workerPlan.aggregator.unshift(...workerPlan.aggregator.splice(first, 1));
  });
  return plan;
}

interface StageOptions {
  problem: SchedulingProblem;
  prompts: number[];
  secondsPerPrompt: number[];
  placementsOf: (worker: number) => PlannedPlacement[];
  /** The model already resident on a worker when the stage starts. */
  keptOn: (worker: number) => number | undefined;
}

function planStage({ problem, prompts, secondsPerPrompt, placementsOf, keptOn }: StageOptions): void {
  const { workers, models } = problem;
  const finish = workers.map(() => 0);
  const loadOn = (m: number, w: number) => (keptOn(w) === m ? 0 : models[m]!.loadSeconds[w]!);
  const each = (m: number, w: number) => secondsPerPrompt[m]! / workers[w]!.speed;

  const chunks: { model: number; count: number; size: number }[] = [];
  models.forEach((model, m) => {
    const n = prompts[m]!;
    if (n === 0) return;
    const meanSpeed = model.fitsOn.reduce((sum, w) => sum + workers[w]!.speed, 0) / model.fitsOn.length;
    const meanLoad = model.fitsOn.reduce((sum, w) => sum + model.loadSeconds[w]!, 0) / model.fitsOn.length;
    const work = (n * secondsPerPrompt[m]!) / meanSpeed;
    let replicas = 1;
    const most = Math.min(model.maxReplicas, model.fitsOn.length, n);
    while (replicas < most && work / replicas - work / (replicas + 1) > meanLoad) replicas += 1;
    for (let r = 0; r < replicas; r++) {
      const count = Math.floor(n / replicas) + (r < n % replicas ? 1 : 0);
      chunks.push({ model: m, count, size: (count * secondsPerPrompt[m]!) / meanSpeed + meanLoad });
    }
  });
  // Largest first, as in LPT; ties by model index keep the plan deterministic.
  chunks.sort((a, b) => b.size - a.size || a.model - b.model);

  const hosts = models.map((): number[] => []);
  for (const { model, count } of chunks) {
    let best = -1;
    let bestFinish = Infinity;
    for (const w of models[model]!.fitsOn) {
      if (hosts[model]!.includes(w)) continue;
      const end = finish[w]! + loadOn(model, w) + count * each(model, w);
      if (end < bestFinish) [best, bestFinish] = [w, end];
    }
    hosts[model]!.push(best);
    placementsOf(best).push({ model, count });
    finish[best] = bestFinish;
  }

  // Equal chunks suit equal workers; move prompts between replicas of a model while that shortens the
  // later of the two workers, which never lengthens the stage.
  models.forEach((_, m) => {
    if (hosts[m]!.length < 2) return;
    const placed = hosts[m]!.map((w) => ({ w, placement: placementsOf(w).find((p) => p.model === m)! }));
    for (let step = 0; step < prompts[m]! * placed.length; step++) {
      const from = placed.reduce((a, b) => (finish[b.w]! > finish[a.w]! ? b : a));
      const to = placed.reduce((a, b) => (finish[b.w]! + each(m, b.w) < finish[a.w]! + each(m, a.w) ? b : a));
      if (from === to || from.placement.count === 0 || finish[to.w]! + each(m, to.w) >= finish[from.w]!) break;
      from.placement.count -= 1;
      to.placement.count += 1;
      finish[from.w] = finish[from.w]! - each(m, from.w);
      finish[to.w] = finish[to.w]! + each(m, to.w);
    }
  });
  // A replica emptied by the moves would only load for nothing.
  workers.forEach((_, w) => {
    const list = placementsOf(w);
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.count === 0) list.splice(i, 1);
  });
}

/**
 * Expert-batched longest-processing-time greedy with load costs: every worker serves one model's
 * prompts together, so each model loads as rarely as possible.
 *
 * @example
 * const schedule = await lptScheduler.schedule({ problem });
 * schedule.steps[0]; // [{ kind: "load", model: 2 }, { kind: "serve", model: 2, query: 0, stage: "expert" }, ...]
 */
export const lptScheduler: Scheduler = {
  name: "lpt",
  description: "Expert-batched longest-processing-time greedy: each model's prompts run together, loads counted",
  async schedule({ problem }) {
    const started = performance.now();
    const demand = stageDemand({ problem });
    const plan = lptPlan({ problem, demand });
    const steps = planToSchedule({ problem, plan, demand });
    return { scheduler: "lpt", steps, solveSeconds: (performance.now() - started) / 1000 };
  },
};
