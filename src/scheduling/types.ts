import type { z } from "zod";
import type { GateConfigSchema } from "../graphs/experts/expertsSchema.js";

/** The confidence gate of a batch (MOSAIC): extractor and threshold. */
export type GateConfig = z.output<typeof GateConfigSchema>;

/**
 * The scheduling contract. A workload file is validated and normalised into a {@link SchedulingProblem}
 * (indices instead of names, every default filled); every scheduler turns a problem into an explicit
 * {@link Schedule}; the simulator and the real runner execute schedules with the same rules:
 * - a worker runs its steps in order, one at a time;
 * - `serve` needs its model resident on that worker (loaded by an earlier `load` step and not evicted);
 * - `load` of a model makes it resident; when the worker is then over its `capacity` (or `memoryGb`),
 *   the least recently used other models are evicted first;
 * - an `aggregator` step waits until every expert step of its query has finished, on any worker; a
 *   query whose gate skips the aggregator takes no time at that step.
 */

/** How long one prompt takes on a worker of speed 1, in seconds. */
export type ServiceDistribution =
  | { kind: "constant"; meanSeconds: number }
  | { kind: "exponential"; meanSeconds: number }
  | { kind: "lognormal"; meanSeconds: number; cv: number }
  | { kind: "tokens"; prefillSeconds: number; secondsPerOutputToken: number; outputTokensMean: number; outputTokensSd: number };

/** A worker, normalised. */
export interface ProblemWorker {
  name: string;
  /** Models resident at once. */
  capacity: number;
  memoryGb: number | undefined;
  /** Service times are divided by it. */
  speed: number;
  endpoint: { kind: "ollama" | "openai"; baseUrl: string } | undefined;
}

/** A model (expert or aggregator), normalised. */
export interface ProblemModel {
  name: string;
  /** What `moa batch` calls; the expert's name when the workload gives none. */
  model: string;
  /** Load seconds on each worker, by worker index. */
  loadSeconds: number[];
  service: ServiceDistribution;
  /** Mean seconds per prompt on a worker of speed 1. */
  meanServiceSeconds: number;
  memoryGb: number | undefined;
  /** Most workers that may serve its prompts in each stage (expert, aggregator). */
  maxReplicas: number;
  /** Worker indices it fits on (memory); every worker when memory is not given. */
  fitsOn: number[];
}

/** A query, normalised. */
export interface ProblemQuery {
  id: string;
  prompt: string | undefined;
  /** Model indices, distinct, in the order given. */
  experts: number[];
  /** Model index of its aggregator; undefined when the query has no aggregator stage. */
  aggregator: number | undefined;
  skipProbability: number;
}

/** Everything a scheduler needs, with names resolved to indices. */
export interface SchedulingProblem {
  workers: ProblemWorker[];
  models: ProblemModel[];
  queries: ProblemQuery[];
  /** The confidence gate `moa batch` runs; schedulers and the simulator use `skipProbability` instead. */
  gate?: GateConfig | undefined;
}

/** One step of a worker's plan. */
export type ScheduleStep =
  { kind: "load"; model: number } | { kind: "serve"; model: number; query: number; stage: "expert" | "aggregator" };

/** What the solver reported, for schedulers that solve an optimisation problem. */
export interface SolveReport {
  /** `optimal`, `time_limit`, `failed`, ... */
  status: string;
  /** Relative MIP gap when known (0 = proven optimal). */
  gap: number | undefined;
  /** The model's objective (planned makespan, seconds), when solved. */
  objectiveSeconds: number | undefined;
}

/** An explicit schedule: for every worker, its ordered steps. */
export interface Schedule {
  scheduler: string;
  /** `steps[w]` is worker w's plan. */
  steps: ScheduleStep[][];
  /** Wall time spent computing the schedule. */
  solveSeconds: number;
  solve?: SolveReport;
  /** Something the user should know, e.g. that the solver timed out and a heuristic schedule is used. */
  note?: string;
}

/** Options every scheduler takes. */
export interface ScheduleOptions {
  problem: SchedulingProblem;
  /** Hard limit on solve time, for schedulers that search. */
  timeLimitSeconds?: number;
  signal?: AbortSignal;
}

/** A way to build a schedule. */
export interface Scheduler {
  readonly name: string;
  /** One line for tables and help. */
  readonly description: string;
  schedule(options: ScheduleOptions): Promise<Schedule>;
}
