import { InternalError } from "../errors/InternalError.js";
import type { Plan, PlannedPlacement } from "./plannedMakespan.js";
import { ResidentModels } from "./ResidentModels.js";
import { stageDemand, type StageDemand } from "./stageDemand.js";
import type { SchedulingProblem, ScheduleStep } from "./types.js";

/** Options of {@link planToSchedule}. */
export interface PlanToScheduleOptions {
  problem: SchedulingProblem;
  /** Counts must add up to each model's demand in each stage (see {@link stageDemand}). */
  plan: Plan;
  demand?: StageDemand;
}

/**
 * Turns a plan into explicit steps. Each worker runs its expert stage, then its aggregator stage; for
 * each placement in order it loads the model (unless it is still resident under the capacity and LRU
 * rules) and serves its prompts. Concrete queries go to the replica that would finish them first, in
 * ascending query index, so low-numbered queries finish their experts early on every worker and their
 * aggregations can start sooner; aggregator steps are dealt the same way.
 *
 * @example
 * const steps = planToSchedule({ problem, plan: [{ expert: [{ model: 0, count: 2 }], aggregator: [] }] });
 * // [[{ kind: "load", model: 0 }, { kind: "serve", model: 0, query: 0, stage: "expert" }, { kind: "serve", model: 0, query: 1, stage: "expert" }]]
 */
export function planToSchedule({ problem, plan, demand = stageDemand({ problem }) }: PlanToScheduleOptions): ScheduleStep[][] {
  const expertQueries = problem.models.map((): number[] => []);
  const aggregatorQueries = problem.models.map((): number[] => []);
  problem.queries.forEach((query, q) => {
    for (const expert of query.experts) expertQueries[expert]!.push(q);
    if (query.aggregator !== undefined) aggregatorQueries[query.aggregator]!.push(q);
  });
  const expertCost = (model: number) => problem.models[model]!.meanServiceSeconds;
  const expertServed = dealQueries({
    problem,
    placements: plan.map((p) => p.expert),
    queriesOf: expertQueries,
    secondsPerPrompt: expertCost,
    stage: "expert",
  });
  const aggregatorServed = dealQueries({
    problem,
    placements: plan.map((p) => p.aggregator),
    queriesOf: aggregatorQueries,
    secondsPerPrompt: (model) => demand.aggregatorSecondsPerPrompt[model]!,
    stage: "aggregator",
  });

  return plan.map((workerPlan, w) => {
    const resident = new ResidentModels({ worker: problem.workers[w]!, models: problem.models });
    const steps: ScheduleStep[] = [];
    const emit = (placements: PlannedPlacement[], served: number[][], stage: "expert" | "aggregator") =>
      placements.forEach(({ model }, i) => {
        if (!resident.has(model)) {
          steps.push({ kind: "load", model });
          resident.load(model);
        }
        for (const query of served[i]!) {
          steps.push({ kind: "serve", model, query, stage });
          resident.use(model);
        }
      });
    emit(workerPlan.expert, expertServed[w]!, "expert");
    emit(workerPlan.aggregator, aggregatorServed[w]!, "aggregator");
    return steps;
  });
}

interface DealOptions {
  problem: SchedulingProblem;
  /** Per worker, its placements in this stage. */
  placements: PlannedPlacement[][];
  /** Per model, the queries it serves in this stage, ascending. */
  queriesOf: number[][];
  secondsPerPrompt: (model: number) => number;
  stage: string;
}

/** Per worker, per placement: the queries it serves, ascending. */
function dealQueries({ problem, placements, queriesOf, secondsPerPrompt, stage }: DealOptions): number[][][] {
  const served = placements.map((list) => list.map((): number[] => []));
  // Each replica of a model, with the planned time its first prompt starts on its worker.
  const replicas = problem.models.map((): { w: number; i: number; start: number; remaining: number; each: number }[] => []);
  placements.forEach((list, w) => {
    const { speed } = problem.workers[w]!;
    let clock = 0;
    list.forEach(({ model, count }, i) => {
      const each = secondsPerPrompt(model) / speed;
      clock += problem.models[model]!.loadSeconds[w]!;
      replicas[model]!.push({ w, i, start: clock, remaining: count, each });
      clock += count * each;
    });
  });
  queriesOf.forEach((queries, model) => {
    const hosts = replicas[model]!;
    const planned = hosts.reduce((sum, host) => sum + host.remaining, 0);
    if (planned !== queries.length)
      throw new InternalError(`the plan serves ${planned} ${stage} prompts of model ${model}, but ${queries.length} need it`);
    for (const query of queries) {
      let best: (typeof hosts)[number] | undefined;
      let bestFinish = Infinity;
      for (const host of hosts) {
        if (host.remaining === 0) continue;
        const finish = host.start + (served[host.w]![host.i]!.length + 1) * host.each;
        if (finish < bestFinish) [best, bestFinish] = [host, finish];
      }
      // Zero-cost prompts (every aggregation skipped) tie at the start time; any host with room will do.
      best ??= hosts.find((host) => host.remaining > 0)!;
      served[best.w]![best.i]!.push(query);
      best.remaining -= 1;
    }
  });
  return served;
}
