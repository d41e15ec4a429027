import { normalizeWorkload } from "../../src/scheduling/normalizeWorkload.js";
import type { SchedulingProblem } from "../../src/scheduling/types.js";
import type { WorkloadInput } from "../../src/scheduling/workloadSchema.js";

/** A problem from a workload written inline; constant service times unless a test says otherwise. */
export function problemOf(workload: WorkloadInput): SchedulingProblem {
  return normalizeWorkload({ workload });
}

/** Two models A (load 10 s, 2 s a prompt) and B (load 5 s, 3 s a prompt), aggregator G (load 1 s, 4 s). */
export const threeModels: WorkloadInput["experts"] = [
  { name: "A", loadSeconds: 10, service: { meanSeconds: 2 } },
  { name: "B", loadSeconds: 5, service: { meanSeconds: 3 } },
  { name: "G", loadSeconds: 1, service: { meanSeconds: 4 } },
];
