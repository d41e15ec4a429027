import { MoAError } from "../errors/MoAError.js";
import { ResidentModels } from "./ResidentModels.js";
import { assertValidSchedule } from "./validateSchedule.js";
import { sampleRealisation, type Realisation } from "./sampleRealisation.js";
import type { Schedule, SchedulingProblem } from "./types.js";

/** What one worker did in a simulated run. */
export interface WorkerTimeline {
  name: string;
  /** Seconds serving prompts. */
  busySeconds: number;
  /** Seconds loading models. */
  loadSeconds: number;
  /** Seconds neither serving nor loading before the makespan (waiting for work or for a query's experts). */
  idleSeconds: number;
  /** Model loads (a load of a model already resident costs nothing and is not counted). */
  loads: number;
  /** Prompts served (expert and aggregator calls; skipped aggregators are not calls). */
  prompts: number;
}

/** The outcome of executing a schedule on one draw of the batch. */
export interface SimulationResult {
  /** When the last step of any worker ends. */
  makespanSeconds: number;
  /** When the last expert answer ends. */
  expertStageSeconds: number;
  /** What the aggregator stage adds after the last expert answer (makespan - expert stage). */
  aggregatorStageSeconds: number;
  /** Busy seconds of all workers / (workers x makespan). */
  utilisation: number;
  loads: number;
  /** Aggregator calls the gate skipped. */
  skippedAggregators: number;
  workers: WorkerTimeline[];
  /** When each query's last step ends (its reply is ready), by query index. */
  queryEndSeconds: number[];
}

/** Options of {@link simulateSchedule}. */
export interface SimulateScheduleOptions {
  problem: SchedulingProblem;
  schedule: Schedule;
  /** Seed of the service-time and gate draw; ignored when `realisation` is given. */
  seed?: number;
  /** A draw made beforehand, to judge several schedules on the same one. */
  realisation?: Realisation;
}

/**
 * Executes a schedule, discrete-event style, on sampled service times: each worker runs its steps in
 * order; loads take the model's load time on that worker and may evict (see ResidentModels); a prompt
 * takes its sampled time divided by the worker's speed; an aggregator step waits for every expert answer
 * of its query and takes no time when the gate skips it. Rejects schedules that serve a model that is not
 * resident, or that can never finish (an aggregator step waiting on an expert step queued behind it).
 *
 * @example
 * const result = simulateSchedule({ problem, schedule: await rrScheduler.schedule({ problem }), seed: 1 });
 * result.makespanSeconds; // 5123.4
 */
export function simulateSchedule({ problem, schedule, seed = 1, realisation }: SimulateScheduleOptions): SimulationResult {
  assertValidSchedule({ problem, schedule });
  const draw = realisation ?? sampleRealisation({ problem, seed });
  const workerCount = problem.workers.length;
  if (schedule.steps.length !== workerCount)
    throw invalid(`the schedule has ${schedule.steps.length} worker plans for ${workerCount} workers`);

  // An aggregator may start once every expert answer of its query is in.
  const expertsLeft = problem.queries.map((q) => q.experts.length);
  const expertsDoneAt = problem.queries.map(() => 0);
  const queryEnd = problem.queries.map(() => 0);
  let expertStageEnd = 0;

  const clock = problem.workers.map(() => 0);
  const next = problem.workers.map(() => 0);
  const resident = problem.workers.map((worker) => new ResidentModels({ worker, models: problem.models }));
  const timelines: WorkerTimeline[] = problem.workers.map((w) => ({
    name: w.name,
    busySeconds: 0,
    loadSeconds: 0,
    idleSeconds: 0,
    loads: 0,
    prompts: 0,
  }));

  // Expert steps never wait for anything, so running each worker until it reaches an aggregator whose
  // query is not complete, round after round, meets every step at its earliest start.
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (let w = 0; w < workerCount; w++) {
      const steps = schedule.steps[w]!;
      const timeline = timelines[w]!;
      const speed = problem.workers[w]!.speed;
      while (next[w]! < steps.length) {
        const step = steps[next[w]!]!;
        if (step.kind === "load") {
          if (!resident[w]!.has(step.model)) {
            const seconds = problem.models[step.model]!.loadSeconds[w]!;
            clock[w]! += seconds;
            timeline.loadSeconds += seconds;
            timeline.loads++;
          }
          resident[w]!.load(step.model);
        } else {
          const query = problem.queries[step.query];
          if (!query) throw invalid(`worker ${timeline.name} step ${next[w]}: query index ${step.query} does not exist`);
          if (step.stage === "aggregator") {
            if (query.aggregator !== step.model)
              throw invalid(`worker ${timeline.name} step ${next[w]}: query ${query.id} is not aggregated by that model`);
            if (expertsLeft[step.query]! > 0) break; // wait for the query's experts
            const skipped = draw.skipped[step.query]!;
            if (!skipped) requireResident(resident[w]!, step.model, timeline.name, next[w]!, problem);
            const start = Math.max(clock[w]!, expertsDoneAt[step.query]!);
            const seconds = draw.aggregatorSeconds[step.query]! / speed;
            timeline.idleSeconds += start - clock[w]!;
            clock[w] = start + seconds;
            timeline.busySeconds += seconds;
            if (!skipped) {
              timeline.prompts++;
              resident[w]!.use(step.model);
            }
            queryEnd[step.query] = Math.max(queryEnd[step.query]!, clock[w]!);
          } else {
            const position = query.experts.indexOf(step.model);
            if (position < 0)
              throw invalid(
                `worker ${timeline.name} step ${next[w]}: query ${query.id} was not routed to ${problem.models[step.model]?.name}`,
              );
            requireResident(resident[w]!, step.model, timeline.name, next[w]!, problem);
            const seconds = draw.expertSeconds[step.query]![position]! / speed;
            clock[w]! += seconds;
            timeline.busySeconds += seconds;
            timeline.prompts++;
            resident[w]!.use(step.model);
            expertsLeft[step.query]!--;
            expertsDoneAt[step.query] = Math.max(expertsDoneAt[step.query]!, clock[w]!);
            queryEnd[step.query] = Math.max(queryEnd[step.query]!, clock[w]!);
            expertStageEnd = Math.max(expertStageEnd, clock[w]!);
          }
        }
        next[w]!++;
        progressed = true;
      }
    }
  }
  const stuck = next.findIndex((n, w) => n < schedule.steps[w]!.length);
  if (stuck >= 0) {
    const step = schedule.steps[stuck]![next[stuck]!]!;
    const query = step.kind === "serve" ? problem.queries[step.query]!.id : "?";
    throw invalid(
      `worker ${problem.workers[stuck]!.name} waits forever at step ${next[stuck]}: query ${query}'s aggregator needs an expert answer that is queued behind it`,
    );
  }

  const makespanSeconds = Math.max(0, ...clock);
  for (const timeline of timelines) timeline.idleSeconds = makespanSeconds - timeline.busySeconds - timeline.loadSeconds;
  const busy = timelines.reduce((sum, t) => sum + t.busySeconds, 0);
  return {
    makespanSeconds,
    expertStageSeconds: expertStageEnd,
    aggregatorStageSeconds: makespanSeconds - expertStageEnd,
    utilisation: makespanSeconds > 0 ? busy / (workerCount * makespanSeconds) : 0,
    loads: timelines.reduce((sum, t) => sum + t.loads, 0),
    skippedAggregators: draw.skipped.filter(Boolean).length,
    workers: timelines,
    queryEndSeconds: queryEnd,
  };
}

function requireResident(resident: ResidentModels, model: number, worker: string, step: number, problem: SchedulingProblem): void {
  if (!resident.has(model))
    throw invalid(
      `worker ${worker} step ${step}: serves ${problem.models[model]!.name}, which is not loaded there (add a load step before it)`,
    );
}

function invalid(message: string): MoAError {
  return new MoAError(`invalid schedule: ${message}`, { code: "invalid_schedule", category: "run" });
}
