import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { SchedulingProblem, ServiceDistribution } from "./types.js";

/** One draw of everything random in a batch, on a worker of speed 1. */
export interface Realisation {
  /** `expertSeconds[q][i]`: seconds of query q's i-th expert (in `problem.queries[q].experts` order). */
  expertSeconds: number[][];
  /** Seconds of query q's aggregator call; 0 when it has none or the gate skips it. */
  aggregatorSeconds: number[];
  /** Whether the gate skips query q's aggregator. */
  skipped: boolean[];
}

/** Options of {@link sampleRealisation}. */
export interface SampleRealisationOptions {
  problem: SchedulingProblem;
  seed: number;
}

/**
 * Draws every service time and gate decision of a batch from one seeded generator, in a fixed order.
 * Every schedule of the same problem is then judged on the same draw (common random numbers), so two
 * schedulers' makespans differ by their schedules, not by luck.
 *
 * @example
 * const draw = sampleRealisation({ problem, seed: 1 });
 * draw.expertSeconds[0]; // [3.9, 41.2, 4.4]
 */
export function sampleRealisation({ problem, seed }: SampleRealisationOptions): Realisation {
  const rng = xoroshiro128plus(seed);
  const uniform = () => uniformFloat64(rng);
  const expertSeconds: number[][] = [];
  const aggregatorSeconds: number[] = [];
  const skipped: boolean[] = [];
  for (const query of problem.queries) {
    expertSeconds.push(query.experts.map((m) => draw(problem.models[m]!.service, uniform)));
    const skip = uniform() < query.skipProbability;
    skipped.push(query.aggregator !== undefined && skip);
    aggregatorSeconds.push(query.aggregator === undefined || skip ? 0 : draw(problem.models[query.aggregator]!.service, uniform));
  }
  return { expertSeconds, aggregatorSeconds, skipped };
}

function draw(service: ServiceDistribution, uniform: () => number): number {
  switch (service.kind) {
    case "constant":
      return service.meanSeconds;
    case "exponential":
      return -service.meanSeconds * Math.log(1 - uniform());
    case "lognormal": {
      // Parameters chosen so the draw's mean is meanSeconds and its sd is cv * meanSeconds.
      const sigma2 = Math.log(1 + service.cv * service.cv);
      const mu = Math.log(service.meanSeconds) - sigma2 / 2;
      return Math.exp(mu + Math.sqrt(sigma2) * standardNormal(uniform));
    }
    case "tokens": {
      const tokens = Math.max(1, Math.round(service.outputTokensMean + service.outputTokensSd * standardNormal(uniform)));
      return service.prefillSeconds + service.secondsPerOutputToken * tokens;
    }
  }
}

// Box-Muller; one of the pair is dropped to keep the draw order independent of what came before.
function standardNormal(uniform: () => number): number {
  const u = 1 - uniform();
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
