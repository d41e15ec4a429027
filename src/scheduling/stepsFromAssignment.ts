import { ResidentModels } from "./ResidentModels.js";
import type { ScheduleStep, SchedulingProblem } from "./types.js";

/** Which queries a worker serves for a model, by stage; models in the order the worker runs them. */
export interface WorkerAssignment {
  expert: Array<{ model: number; queries: number[] }>;
  aggregator: Array<{ model: number; queries: number[] }>;
}

/** Options of {@link stepsFromAssignment}. */
export interface StepsFromAssignmentOptions {
  problem: SchedulingProblem;
  /** `assignments[w]`: what worker w serves. */
  assignments: WorkerAssignment[];
}

/**
 * Turns "worker w serves these queries of this model" into explicit steps: each worker runs its expert
 * stage, then its aggregator stage, one model at a time (load, then its prompts in query order), and
 * loads a model only when it is not still resident.
 *
 * @example
 * stepsFromAssignment({ problem, assignments: [{ expert: [{ model: 0, queries: [0, 1] }], aggregator: [] }] });
 * // [[{ kind: "load", model: 0 }, { kind: "serve", model: 0, query: 0, stage: "expert" }, ...]]
 */
export function stepsFromAssignment({ problem, assignments }: StepsFromAssignmentOptions): ScheduleStep[][] {
  return problem.workers.map((worker, w) => {
    const assignment = assignments[w] ?? { expert: [], aggregator: [] };
    const resident = new ResidentModels({ worker, models: problem.models });
    const steps: ScheduleStep[] = [];
    for (const stage of ["expert", "aggregator"] as const) {
      for (const { model, queries } of assignment[stage]) {
        if (queries.length === 0) continue;
        if (!resident.has(model)) steps.push({ kind: "load", model });
        resident.load(model);
        for (const query of [...queries].sort((a, b) => a - b)) steps.push({ kind: "serve", model, query, stage });
      }
    }
    return steps;
  });
}

/** Each model's queries by stage: `expert[m]` lists the queries routed to m, `aggregator[m]` those m aggregates. */
export function demandByModel(problem: SchedulingProblem): { expert: number[][]; aggregator: number[][] } {
  const expert = problem.models.map((): number[] => []);
  const aggregator = problem.models.map((): number[] => []);
  problem.queries.forEach((query, q) => {
    for (const m of query.experts) expert[m]!.push(q);
    if (query.aggregator !== undefined) aggregator[query.aggregator]!.push(q);
  });
  return { expert, aggregator };
}
