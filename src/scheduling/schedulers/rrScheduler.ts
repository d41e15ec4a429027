import { demandByModel, stepsFromAssignment, type WorkerAssignment } from "../stepsFromAssignment.js";
import type { Scheduler, SchedulingProblem } from "../types.js";

/**
 * MOSAIC's baseline: each model is loaded once, on one worker, models given to workers in turn (the next
 * worker it fits on); a worker serves all of its models' prompts, aggregators after experts.
 *
 * @example
 * const schedule = await rrScheduler.schedule({ problem });
 */
export const rrScheduler: Scheduler = {
  name: "rr",
  description: "round-robin: each model loaded once, models given to workers in turn",
  schedule: async ({ problem }) => {
    const started = performance.now();
    const owner = placeInTurn(problem);
    const demand = demandByModel(problem);
    const assignments: WorkerAssignment[] = problem.workers.map(() => ({ expert: [], aggregator: [] }));
    problem.models.forEach((_, m) => {
      const w = owner[m]!;
      assignments[w]!.expert.push({ model: m, queries: demand.expert[m]! });
      assignments[w]!.aggregator.push({ model: m, queries: demand.aggregator[m]! });
    });
    return { scheduler: "rr", steps: stepsFromAssignment({ problem, assignments }), solveSeconds: (performance.now() - started) / 1000 };
  },
};

function placeInTurn(problem: SchedulingProblem): number[] {
  let turn = 0;
  return problem.models.map((model) => {
    const count = problem.workers.length;
    for (let i = 0; i < count; i++) {
      const w = (turn + i) % count;
      if (model.fitsOn.includes(w)) {
        turn = w + 1;
        return w;
      }
    }
    return model.fitsOn[0]!;
  });
}
