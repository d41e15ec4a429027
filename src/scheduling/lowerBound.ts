import type { SchedulingProblem } from "./types.js";

/** The bound and which argument gave it. */
export interface MakespanLowerBound {
  seconds: number;
  /** `work` (all work spread perfectly over the workers), `chain` (one query's experts then its aggregator) or `model` (one model's work on its most replicas). */
  binding: "work" | "chain" | "model";
}

/**
 * A lower bound on the makespan of any schedule, from mean service times and skip probabilities (so a
 * simulated run of one draw can end slightly below it). The largest of:
 * - work: (all prompt work + each used model's cheapest load, weighted by speed) / total speed;
 * - chain: for one query, its slowest expert (with a load) and then its aggregator;
 * - model: one model's load plus its work in one stage on the fastest workers it may use there (the
 *   replica cap holds per stage).
 *
 * @example
 * lowerBound({ problem }); // { seconds: 4210.5, binding: "work" }
 */
export function lowerBound({ problem }: { problem: SchedulingProblem }): MakespanLowerBound {
  const { workers, models, queries } = problem;
  // The replica cap holds per stage, so the model bound below takes each stage's work on its own.
  const stageWork = { expert: models.map(() => 0), aggregator: models.map(() => 0) };
  for (const query of queries) {
    for (const m of query.experts) stageWork.expert[m]! += models[m]!.meanServiceSeconds;
    if (query.aggregator !== undefined)
      stageWork.aggregator[query.aggregator]! += models[query.aggregator]!.meanServiceSeconds * (1 - query.skipProbability);
  }
  const work = models.map((_, m) => stageWork.expert[m]! + stageWork.aggregator[m]!);
  const totalSpeed = workers.reduce((sum, w) => sum + w.speed, 0);
  // Every worker w satisfies makespan * speed_w >= its work + its load seconds * speed_w; summed over workers.
  let loadWork = 0;
  models.forEach((model, m) => {
    if (work[m]! > 0) loadWork += Math.min(...model.fitsOn.map((w) => model.loadSeconds[w]! * workers[w]!.speed));
  });
  const workBound = (work.reduce((a, b) => a + b, 0) + loadWork) / totalSpeed;

  const fastest = (m: number) => Math.min(...models[m]!.fitsOn.map((w) => models[m]!.meanServiceSeconds / workers[w]!.speed));
  const firstAnswer = (m: number) =>
    Math.min(...models[m]!.fitsOn.map((w) => models[m]!.loadSeconds[w]! + models[m]!.meanServiceSeconds / workers[w]!.speed));
  let chainBound = 0;
  for (const query of queries) {
    const experts = Math.max(0, ...query.experts.map(firstAnswer));
    const aggregate = query.aggregator === undefined ? 0 : (1 - query.skipProbability) * fastest(query.aggregator);
    chainBound = Math.max(chainBound, experts + aggregate);
  }

  let modelBound = 0;
  models.forEach((model, m) => {
    const speeds = model.fitsOn.map((w) => workers[w]!.speed).sort((a, b) => b - a);
    const replicaSpeed = speeds.slice(0, model.maxReplicas).reduce((a, b) => a + b, 0);
    const cheapestLoad = Math.min(...model.fitsOn.map((w) => model.loadSeconds[w]!));
    for (const stage of [stageWork.expert[m]!, stageWork.aggregator[m]!])
      if (stage > 0) modelBound = Math.max(modelBound, cheapestLoad + stage / replicaSpeed);
  });

  const bounds = [
    { seconds: workBound, binding: "work" as const },
    { seconds: chainBound, binding: "chain" as const },
    { seconds: modelBound, binding: "model" as const },
  ];
  return bounds.reduce((best, b) => (b.seconds > best.seconds ? b : best));
}
