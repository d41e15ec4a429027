import type { Schedule, SchedulingProblem } from "../../../src/scheduling/types.js";

/** Options of {@link checkSchedule}. */
export interface CheckScheduleOptions {
  problem: SchedulingProblem;
  schedule: Schedule;
}

/**
 * Every way a schedule breaks the contract, as sentences (empty when it is valid). The residency replay
 * is written here again, apart from `ResidentModels`, so a bug there cannot hide itself.
 *
 * @example
 * expect(checkSchedule({ problem, schedule })).toEqual([]);
 */
export function checkSchedule({ problem, schedule }: CheckScheduleOptions): string[] {
  const errors: string[] = [];
  const servedExpert = new Map<string, number>();
  const servedAggregator = new Map<number, number>();
  const expertHosts = problem.models.map(() => new Set<number>());
  const aggregatorHosts = problem.models.map(() => new Set<number>());
  if (schedule.steps.length !== problem.workers.length)
    errors.push(`${schedule.steps.length} step lists for ${problem.workers.length} workers`);
  schedule.steps.forEach((steps, w) => {
    const worker = problem.workers[w]!;
    let resident: number[] = [];
    let seenAggregator = false;
    for (const step of steps) {
      const model = problem.models[step.model]!;
      if (step.kind === "load") {
        if (!model.fitsOn.includes(w)) errors.push(`worker ${w} loads model ${step.model}, which does not fit`);
        resident = [...resident.filter((m) => m !== step.model), step.model];
        const memory = () => resident.reduce((sum, m) => sum + (problem.models[m]!.memoryGb ?? 0), 0);
        while (resident.length > 1 && (resident.length > worker.capacity || (worker.memoryGb !== undefined && memory() > worker.memoryGb)))
          resident.shift();
        continue;
      }
      if (!resident.includes(step.model))
        errors.push(`worker ${w} serves model ${step.model} for query ${step.query} when it is not resident`);
      resident = [...resident.filter((m) => m !== step.model), step.model];
      const query = problem.queries[step.query]!;
      if (step.stage === "expert") {
        if (seenAggregator) errors.push(`worker ${w} serves an expert step after an aggregator step`);
        if (!query.experts.includes(step.model)) errors.push(`query ${step.query} is not routed to model ${step.model}`);
        const key = `${step.query}/${step.model}`;
        servedExpert.set(key, (servedExpert.get(key) ?? 0) + 1);
        expertHosts[step.model]!.add(w);
      } else {
        seenAggregator = true;
        if (query.aggregator !== step.model) errors.push(`query ${step.query} is not aggregated by model ${step.model}`);
        servedAggregator.set(step.query, (servedAggregator.get(step.query) ?? 0) + 1);
        aggregatorHosts[step.model]!.add(w);
      }
    }
  });
  problem.queries.forEach((query, q) => {
    for (const e of query.experts) {
      const times = servedExpert.get(`${q}/${e}`) ?? 0;
      if (times !== 1) errors.push(`query ${q} is served by expert ${e} ${times} times`);
    }
    const times = servedAggregator.get(q) ?? 0;
    if (times !== (query.aggregator === undefined ? 0 : 1)) errors.push(`query ${q} is aggregated ${times} times`);
  });
  problem.models.forEach((model, m) => {
    if (expertHosts[m]!.size > model.maxReplicas)
      errors.push(`model ${m} serves experts on ${expertHosts[m]!.size} workers, cap ${model.maxReplicas}`);
    if (aggregatorHosts[m]!.size > model.maxReplicas)
      errors.push(`model ${m} aggregates on ${aggregatorHosts[m]!.size} workers, cap ${model.maxReplicas}`);
  });
  return errors;
}
