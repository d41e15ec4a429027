import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { normalizeWorkload } from "../../../src/scheduling/normalizeWorkload.js";
import type { SchedulingProblem } from "../../../src/scheduling/types.js";
import type { WorkloadInput } from "../../../src/scheduling/workloadSchema.js";

/** Options of {@link randomProblem}. */
export interface RandomProblemOptions {
  seed: number;
  workers: number;
  models: number;
  queries: number;
  /** Most experts per query. */
  maxExperts?: number;
  /** Give workers and models memory sizes, so some models fit on some workers only. */
  memory?: boolean;
  /** Whether queries have an aggregator (one of the models). */
  aggregator?: boolean;
}

/**
 * A seeded random workload, normalised: mixed speeds, capacities and load times, skewed expert demand.
 *
 * @example
 * const problem = randomProblem({ seed: 1, workers: 3, models: 4, queries: 10 });
 */
export function randomProblem({
  seed,
  workers,
  models,
  queries,
  maxExperts = 2,
  memory = false,
  aggregator = true,
}: RandomProblemOptions): SchedulingProblem {
  const rng = xoroshiro128plus(seed);
  const int = (min: number, max: number) => uniformInt(rng, min, max);
  const workerNames = Array.from({ length: workers }, (_, w) => `w${w}`);
  const modelNames = Array.from({ length: models }, (_, m) => `m${m}`);
  const workload: WorkloadInput = {
    workers: workerNames.map((name, w) => ({
      name,
      capacity: int(1, 3),
      speed: [0.5, 1, 1.5, 2][int(0, 3)]!,
      // The first worker is large, so every model fits somewhere.
      ...(memory ? { memoryGb: w === 0 ? 48 : [16, 24, 48][int(0, 2)]! } : {}),
    })),
    experts: modelNames.map((name) => ({
      name,
      loadSeconds: int(0, 1) === 0 ? int(1, 20) : Object.fromEntries(workerNames.map((w) => [w, int(1, 20)])),
      service: { meanSeconds: int(1, 10) },
      ...(memory ? { memoryGb: [8, 20, 40][int(0, 2)]! } : {}),
    })),
    aggregator: aggregator ? { expert: modelNames[int(0, models - 1)]!, skipProbability: int(0, 4) / 10 } : { skipProbability: 0 },
    queries: Array.from({ length: queries }, () => {
      const experts = new Set<string>();
      const want = int(1, Math.min(maxExperts, models));
      // Skewed demand: low-numbered models are asked far more often.
      while (experts.size < want) experts.add(modelNames[Math.min(int(0, models - 1), int(0, models - 1))]!);
      return { experts: [...experts], ...(int(0, 3) === 0 ? { skipProbability: int(0, 9) / 10 } : {}) };
    }),
  };
  return normalizeWorkload({ workload });
}
