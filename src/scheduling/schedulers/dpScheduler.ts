import { demandByModel, stepsFromAssignment, type WorkerAssignment } from "../stepsFromAssignment.js";
import type { Scheduler } from "../types.js";

/**
 * Data-parallel: every worker may load every model (up to the model's replica cap, on workers it fits
 * on), and each model's prompts are split evenly over its workers, whatever they cost.
 *
 * @example
 * const schedule = await dpScheduler.schedule({ problem });
 */
export const dpScheduler: Scheduler = {
  name: "dp",
  description: "data-parallel: every worker loads every model, prompts split evenly",
  schedule: async ({ problem }) => {
    const started = performance.now();
    const demand = demandByModel(problem);
    const assignments: WorkerAssignment[] = problem.workers.map(() => ({ expert: [], aggregator: [] }));
    problem.models.forEach((model, m) => {
      // Start each model's replicas at a different worker so capped models do not all pile on worker 0.
      const rotated = model.fitsOn.map((_, i) => model.fitsOn[(i + m) % model.fitsOn.length]!);
      const replicas = rotated.slice(0, model.maxReplicas);
      for (const stage of ["expert", "aggregator"] as const) {
        const queries = demand[stage][m]!;
        replicas.forEach((w, r) => {
          assignments[w]![stage].push({ model: m, queries: queries.filter((_, i) => i % replicas.length === r) });
        });
      }
    });
    return { scheduler: "dp", steps: stepsFromAssignment({ problem, assignments }), solveSeconds: (performance.now() - started) / 1000 };
  },
};
