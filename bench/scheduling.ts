// Scheduling benchmark: a MOSAIC-shaped batch in the simulator (4 workers, 6 experts, 3 per query, skewed
// demand, reasoning experts writing ~3000 tokens), every scheduler, and a sweep of where ilp beats lpt.
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { compareSchedulers } from "../src/scheduling/compareSchedulers.js";
import { normalizeWorkload } from "../src/scheduling/normalizeWorkload.js";
import { schedulers } from "../src/scheduling/schedulers/index.js";
import type { WorkloadInput } from "../src/scheduling/workloadSchema.js";

/** One scheduler's outcome on one workload. */
export interface SchedulerRow {
  name: string;
  makespanSeconds: number;
  solveSeconds: number;
  boundRatio: number;
  note: string | undefined;
}

/** Options of {@link mosaicWorkload}. */
export interface MosaicWorkloadOptions {
  workers?: number;
  queries?: number;
  /** Zipf exponent of expert popularity (0 = uniform). */
  skew?: number;
  /** How many of the 6 experts are reasoning models (~3000 output tokens); they are the most popular. */
  reasoning?: number;
  skipProbability?: number;
  seed?: number;
}

/**
 * A MOSAIC-shaped workload: 6 experts (reasoning ones ~3000 tokens, instruction-tuned ~200) on single-model
 * workers with loads of 20-60 s, each query routed to 3 distinct experts drawn by Zipf popularity, and an
 * aggregator the gate skips with the given probability.
 */
export function mosaicWorkload({
  workers = 4,
  queries = 2000,
  skew = 1.2,
  reasoning = 2,
  skipProbability = 0.457,
  seed = 1,
}: MosaicWorkloadOptions = {}): WorkloadInput {
  const rng = xoroshiro128plus(seed);
  const experts = Array.from({ length: 6 }, (_, i) => ({
    name: i < reasoning ? `reasoner-${i + 1}` : `instruct-${i + 1 - reasoning}`,
    loadSeconds: i < reasoning ? 45 + 15 * i : 20 + 5 * i,
    service: {
      prefillSeconds: 0.3,
      secondsPerOutputToken: 0.02,
      outputTokens: { mean: i < reasoning ? 3000 : 200, sd: i < reasoning ? 600 : 60 },
    },
  }));
  const weights = experts.map((_, i) => 1 / (i + 1) ** skew);
  const pick = (available: number[]) => {
    const total = available.reduce((sum, i) => sum + weights[i]!, 0);
    let u = uniformFloat64(rng) * total;
    for (const i of available) if ((u -= weights[i]!) <= 0) return i;
    return available.at(-1)!;
  };
  const routed = Array.from({ length: queries }, () => {
    const chosen: number[] = [];
    while (chosen.length < 3) chosen.push(pick(experts.map((_, i) => i).filter((i) => !chosen.includes(i))));
    return { experts: chosen.map((i) => experts[i]!.name) };
  });
  return {
    workers: Array.from({ length: workers }, (_, w) => ({ name: `gpu-${w + 1}` })),
    experts: [
      ...experts,
      {
        name: "aggregator",
        loadSeconds: 30,
        service: { prefillSeconds: 1, secondsPerOutputToken: 0.02, outputTokens: { mean: 300, sd: 80 } },
      },
    ],
    aggregator: { expert: "aggregator", skipProbability },
    queries: routed,
  };
}

/**
 * Runs every scheduler on a workload, simulated on one draw.
 *
 * @example
 * const { rows, lowerBoundSeconds } = await benchSchedulers({ workload: mosaicWorkload() });
 */
export async function benchSchedulers({
  workload,
  timeLimitSeconds = 5,
}: {
  workload: WorkloadInput;
  timeLimitSeconds?: number;
}): Promise<{ rows: SchedulerRow[]; lowerBoundSeconds: number }> {
  const problem = normalizeWorkload({ workload });
  const comparison = await compareSchedulers({ problem, schedulers, seed: 1, timeLimitSeconds });
  const bound = comparison.lowerBound.seconds;
  return {
    lowerBoundSeconds: bound,
    rows: comparison.outcomes.map(({ schedule, simulation }) => ({
      name: schedule.scheduler,
      makespanSeconds: simulation.makespanSeconds,
      solveSeconds: schedule.solveSeconds,
      boundRatio: simulation.makespanSeconds / bound,
      note: schedule.note,
    })),
  };
}

/** The benchmark's report lines. */
export async function benchScheduling(): Promise<string[]> {
  const lines: string[] = [];
  for (const [label, skip] of [
    ["T=1 (skip 45.7%)", 0.457],
    ["T=2/3 (skip 84.6%)", 0.846],
  ] as const) {
    const { rows } = await benchSchedulers({ workload: mosaicWorkload({ skipProbability: skip }) });
    const of = (name: string) => rows.find((r) => r.name === name)!;
    lines.push(`MOSAIC-shaped batch, 4 workers, 6 experts, 2000 queries, gate ${label}`);
    for (const row of rows)
      lines.push(
        `  ${row.name.padEnd(4)} makespan ${(row.makespanSeconds / 3600).toFixed(2)} h, speedup over rr ${(of("rr").makespanSeconds / row.makespanSeconds).toFixed(2)}x, ` +
          `over dp ${(of("dp").makespanSeconds / row.makespanSeconds).toFixed(2)}x, ${((row.boundRatio - 1) * 100).toFixed(1)}% above the lower bound, solve ${row.solveSeconds.toFixed(2)} s` +
          (row.note ? ` (${row.note})` : ""),
      );
  }
  lines.push("Sweep (500 queries, gate skip 45.7%): ilp makespan / lpt makespan (below 1: ilp better)");
  for (const reasoning of [1, 2, 3])
    for (const skew of [0, 1.2, 2]) {
      const cells: string[] = [];
      for (const workers of [2, 4, 8]) {
        const { rows } = await benchSchedulers({
          workload: mosaicWorkload({ workers, queries: 500, skew, reasoning }),
          timeLimitSeconds: 5,
        });
        const ratio = rows.find((r) => r.name === "ilp")!.makespanSeconds / rows.find((r) => r.name === "lpt")!.makespanSeconds;
        cells.push(`${workers} workers ${ratio.toFixed(3)}`);
      }
      lines.push(`  reasoning experts ${reasoning}, skew ${skew}: ${cells.join(", ")}`);
    }
  return lines;
}
