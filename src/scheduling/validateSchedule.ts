import { MoAError } from "../errors/MoAError.js";
import { ResidentModels } from "./ResidentModels.js";
import type { Schedule, SchedulingProblem } from "./types.js";

/** Options of {@link validateSchedule}. */
export interface ValidateScheduleOptions {
  problem: SchedulingProblem;
  schedule: Schedule;
}

/**
 * Checks what must hold whatever the service times: every expert of every query served exactly once, every
 * aggregator exactly once; a model served only while resident (replaying loads and evictions); models only
 * on workers they fit on, each stage's prompts of a model on at most `maxReplicas` workers. Returns every problem found (empty when valid).
 *
 * @example
 * validateSchedule({ problem, schedule }); // []
 */
export function validateSchedule({ problem, schedule }: ValidateScheduleOptions): string[] {
  const problems: string[] = [];
  const { workers, models, queries } = problem;
  if (schedule.steps.length !== workers.length) return [`${schedule.steps.length} worker plans for ${workers.length} workers`];
  const served = new Map<string, number>();
  const servesFrom = { expert: models.map(() => new Set<number>()), aggregator: models.map(() => new Set<number>()) };
  schedule.steps.forEach((steps, w) => {
    const worker = workers[w]!;
    const resident = new ResidentModels({ worker, models });
    steps.forEach((step, i) => {
      const where = `worker ${worker.name} step ${i}`;
      const model = models[step.model];
      if (!model) {
        problems.push(`${where}: model index ${step.model} does not exist`);
        return;
      }
      if (step.kind === "load") {
        if (!model.fitsOn.includes(w)) problems.push(`${where}: ${model.name} does not fit on ${worker.name}`);
        resident.load(step.model);
        return;
      }
      const query = queries[step.query];
      if (!query) {
        problems.push(`${where}: query index ${step.query} does not exist`);
        return;
      }
      if (!resident.has(step.model)) problems.push(`${where}: serves ${model.name}, which is not resident`);
      resident.use(step.model);
      servesFrom[step.stage][step.model]!.add(w);
      const belongs = step.stage === "expert" ? query.experts.includes(step.model) : query.aggregator === step.model;
      if (!belongs) problems.push(`${where}: query ${query.id} has no ${step.stage} ${model.name}`);
      const key = `${step.stage}:${step.query}:${step.model}`;
      served.set(key, (served.get(key) ?? 0) + 1);
    });
  });
  queries.forEach((query, q) => {
    for (const m of query.experts) {
      const times = served.get(`expert:${q}:${m}`) ?? 0;
      if (times !== 1) problems.push(`query ${query.id}: expert ${models[m]!.name} served ${times} times, expected once`);
    }
    if (query.aggregator !== undefined) {
      const times = served.get(`aggregator:${q}:${query.aggregator}`) ?? 0;
      if (times !== 1)
        problems.push(`query ${query.id}: aggregator ${models[query.aggregator]!.name} scheduled ${times} times, expected once`);
    }
  });
  for (const stage of ["expert", "aggregator"] as const)
    models.forEach((model, m) => {
      const count = servesFrom[stage][m]!.size;
      if (count > model.maxReplicas)
        problems.push(`${model.name} serves ${stage} prompts on ${count} workers, more than its ${model.maxReplicas} replicas`);
    });
  return problems;
}

/**
 * Throws an `invalid_schedule` error listing the problems {@link validateSchedule} finds.
 *
 * @example
 * assertValidSchedule({ problem, schedule });
 */
export function assertValidSchedule(options: ValidateScheduleOptions): void {
  const problems = validateSchedule(options);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 10).map((p) => `  - ${p}`);
  if (problems.length > 10) shown.push(`  - ... and ${problems.length - 10} more`);
  throw new MoAError(`invalid ${options.schedule.scheduler} schedule:\n${shown.join("\n")}`, { code: "invalid_schedule", category: "run" });
}
