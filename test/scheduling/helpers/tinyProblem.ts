import { normalizeWorkload } from "../../../src/scheduling/normalizeWorkload.js";
import type { SchedulingProblem } from "../../../src/scheduling/types.js";
import type { WorkloadInput } from "../../../src/scheduling/workloadSchema.js";

/**
 * Two workers (the second twice as fast), experts `a` and `b`, aggregator `g`; `queries` as given.
 *
 * @example
 * const problem = tinyProblem({ queries: [{ experts: ["a"], count: 4 }] });
 */
export function tinyProblem({
  queries,
  capacity = 1,
  skipProbability = 0,
}: {
  queries: WorkloadInput["queries"];
  capacity?: number;
  skipProbability?: number;
}): SchedulingProblem {
  return normalizeWorkload({
    workload: {
      workers: [
        { name: "slow", capacity },
        { name: "fast", capacity, speed: 2 },
      ],
      experts: [
        { name: "a", loadSeconds: 10, service: { meanSeconds: 4 } },
        { name: "b", loadSeconds: 5, service: { meanSeconds: 2 } },
        { name: "g", loadSeconds: 8, service: { meanSeconds: 6 } },
      ],
      aggregator: { expert: "g", skipProbability },
      queries,
    } satisfies WorkloadInput,
  });
}
