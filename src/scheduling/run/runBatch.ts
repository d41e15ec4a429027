import { AsyncLocalStorage } from "node:async_hooks";
import { setMaxListeners } from "node:events";
import { ConfigError } from "../../errors/ConfigError.js";
import { isMoAError } from "../../errors/MoAError.js";
import { sleep } from "../../policy/sleep.js";
import { simulateSchedule } from "../simulateSchedule.js";
import { meanRealisation } from "./meanRealisation.js";
import { buildMosaicGraph } from "../../graphs/builders.js";
import type { MoAStateValue } from "../../state/moaState.js";
import { describeError } from "../../models/describeError.js";
import { redactCredentials } from "../../util/redactCredentials.js";
import { stripTerminalControls } from "../../util/stripTerminalControls.js";
import { ResidentModels } from "../ResidentModels.js";
import type { GateConfig, Schedule, ScheduleStep, SchedulingProblem } from "../types.js";
import { appendBatchResult, readBatchResults, type BatchCall, type BatchResult } from "./batchResults.js";
import { defaultWorkerModels, type WorkerModels } from "./defaultWorkerModels.js";
import { WorkerBoundChatModel } from "./WorkerBoundChatModel.js";
import { WorkerLane, type LaneState } from "./WorkerLane.js";

/** Where a batch stands, for progress displays. */
export interface BatchProgress {
  total: number;
  /** Answered before this run (read from the results file). */
  resumed: number;
  answered: number;
  failed: number;
  /** Milliseconds since this run started. */
  elapsedMs: number;
  /** What each worker is doing, by worker index. */
  lanes: LaneState[];
}

/** What a batch run did. */
export interface BatchReport {
  total: number;
  resumed: number;
  answered: number;
  failed: number;
  skippedAggregators: number;
  /** Seconds from the start of this run to the end of the last worker's plan. */
  measuredSeconds: number;
  /** Model loads this run asked the workers for (loads of models already resident excluded). */
  loads: number;
  /** Each query's gate decision this run, by query index (undefined when not run or failed). */
  skipped: Array<boolean | undefined>;
}

/** Options of {@link runBatch}. */
export interface RunBatchOptions {
  problem: SchedulingProblem;
  schedule: Schedule;
  /** JSONL file: one line per finished query; queries already answered there are not run again. */
  resultsFile: string;
  /** Most tokens per answer. */
  maxTokens?: number;
  /** Limit on one model call once its turn on the worker has come (default 10 minutes). */
  callTimeoutMs?: number;
  /** How calls and loads reach the workers (default: each worker's endpoint; tests pass doubles). */
  workerModels?: WorkerModels;
  onProgress?: (progress: BatchProgress) => void;
  signal?: AbortSignal;
}

const DEFAULT_GATE: GateConfig = { extractor: { type: "exact" }, threshold: 1 };

/**
 * Runs a batch through MOSAIC graphs (each query's experts, the confidence gate, its aggregator) with every
 * model call made on the worker the schedule chose for it, in the order of that worker's plan; loads are
 * made explicitly and placed models stay resident for the batch. Each finished query is appended to the
 * results file at once, so a crashed or interrupted batch continues where it stopped.
 *
 * @example
 * const report = await runBatch({ problem, schedule, resultsFile: "results.jsonl" });
 * report.measuredSeconds; // 812.4
 */
export async function runBatch({
  problem,
  schedule,
  resultsFile,
  maxTokens,
  callTimeoutMs = 600_000,
  workerModels,
  onProgress,
  signal: outerSignal,
}: RunBatchOptions): Promise<BatchReport> {
  checkRunnable(problem);
  // A schedule read from a file may have been edited: one that misses a step would leave a call waiting
  // forever, and one that deadlocks would hang; the simulator finds both before any call is made.
  simulateSchedule({ problem, schedule, realisation: meanRealisation({ problem, skipped: [] }) });
  // The first failure that stops the batch (a worker that cannot load) stops everything else too.
  const stop = new AbortController();
  const signal = outerSignal ? AbortSignal.any([outerSignal, stop.signal]) : stop.signal;
  // Every query's graph listens to the one signal at once: that is by design, not a leak to warn about.
  setMaxListeners(problem.queries.length * 8 + 100, signal);
  if (outerSignal) setMaxListeners(problem.queries.length * 8 + 100, outerSignal);
  const models = workerModels ?? defaultWorkerModels({ problem, ...(maxTokens === undefined ? {} : { maxTokens }) });
  const done = new Set(readBatchResults({ file: resultsFile }).flatMap((r) => (r.error === undefined ? [r.id] : [])));
  const started = performance.now();
  const progress: BatchProgress = {
    total: problem.queries.length,
    resumed: problem.queries.filter((q) => done.has(q.id)).length,
    answered: 0,
    failed: 0,
    elapsedMs: 0,
    lanes: problem.workers.map((): LaneState => ({ kind: "done" })),
  };
  const report = () => onProgress?.({ ...progress, elapsedMs: performance.now() - started, lanes: [...progress.lanes] });

  let loads = 0;
  const lanes = problem.workers.map((worker, w) => {
    const resident = new ResidentModels({ worker, models: problem.models });
    return new WorkerLane({
      steps: stepsLeft(schedule.steps[w]!, (q) => done.has(problem.queries[q]!.id)),
      load: async (model) => {
        // A load of a resident model still counts as a use, as in the simulator.
        if (resident.has(model)) return void resident.load(model);
        const evicted = resident.load(model);
        loads++;
        await withOneRetry(() => models.load({ worker: w, model, evicted, signal }), signal);
      },
      onState: (state) => {
        if (state.kind === "serving") resident.use(state.step.model);
        progress.lanes[w] = state;
        report();
      },
      signal,
    });
  });
  const laneOf = new Map<string, number>();
  schedule.steps.forEach((steps, w) => steps.forEach((s) => s.kind === "serve" && laneOf.set(stepKey(s), w)));

  // Which query a model call belongs to: graph runs of different queries overlap, each in its own context.
  const currentQuery = new AsyncLocalStorage<number>();
  const bound = (model: number, stage: "expert" | "aggregator") =>
    new WorkerBoundChatModel({
      name: problem.models[model]!.name,
      bind: () => {
        const query = currentQuery.getStore()!;
        const step = { kind: "serve", model, query, stage } as const;
        const w = laneOf.get(stepKey(step))!;
        return { model: models.chat({ worker: w, model }), worker: problem.workers[w]!.name, turn: () => lanes[w]!.turn(step) };
      },
      callTimeoutMs,
    });
  const expertModels = problem.models.map((_, m) => bound(m, "expert"));
  const aggregatorModels = problem.models.map((_, m) => bound(m, "aggregator"));
  const graphs = new Map<string, ReturnType<typeof compileFor>>();
  const compileFor = (experts: number[], aggregator: number) =>
    buildMosaicGraph({
      config: {
        topology: "mosaic",
        name: "moa-batch",
        // The graph's per-call deadline would count the wait for a worker's turn; the bound models time the call itself.
        defaults: { timeoutMs: DAY_MS },
        experts: experts.map((m) => ({ name: agentName(problem, m), model: expertModels[m]! })),
        gate: problem.gate ?? DEFAULT_GATE,
        aggregator: { name: "aggregator", model: aggregatorModels[aggregator]! },
      },
    }).compile();

  const skipped: Array<boolean | undefined> = problem.queries.map(() => undefined);
  const runQuery = async (q: number): Promise<void> => {
    const query = problem.queries[q]!;
    const key = `${query.experts.join(",")}>${query.aggregator}`;
    let graph = graphs.get(key);
    if (!graph) graphs.set(key, (graph = compileFor(query.experts, query.aggregator!)));
    const queryStarted = Date.now();
    let result: BatchResult;
    try {
      const state = (await currentQuery.run(q, () =>
        graph.invoke({ messages: [{ role: "user", content: query.prompt! }] }, { signal, recursionLimit: 50 }),
      )) as MoAStateValue;
      const gate = state.gates.at(-1);
      skipped[q] = gate?.skipped ?? false;
      const last = state.messages.at(-1);
      result = {
        id: query.id,
        answer: last?.text ?? "",
        skippedAggregator: skipped[q]!,
        ...(gate ? { confidence: gate.confidence } : {}),
        calls: callsOf(problem, q, state, laneOf),
        startedAt: new Date(queryStarted).toISOString(),
        seconds: (Date.now() - queryStarted) / 1000,
      };
      progress.answered++;
    } catch (error) {
      if (signal?.aborted) throw error;
      result = {
        id: query.id,
        error: oneLineError(error),
        calls: [],
        startedAt: new Date(queryStarted).toISOString(),
        seconds: (Date.now() - queryStarted) / 1000,
      };
      progress.failed++;
    } finally {
      // Steps the graph did not call (a skipped aggregator, experts of a failed run) must not hold their lanes.
      for (const step of stepsOf(problem, q)) lanes[laneOf.get(stepKey(step))!]!.drop(step);
    }
    appendBatchResult({ file: resultsFile, result });
    report();
  };

  const stopOnFailure = (run: Promise<void>) =>
    run.catch((error: unknown) => {
      stop.abort(error);
      throw error;
    });
  const runs = [
    ...lanes.map((lane) => stopOnFailure(lane.run())),
    ...problem.queries.flatMap((query, q) => (done.has(query.id) ? [] : [stopOnFailure(runQuery(q))])),
  ];
  // Everything settles before the models are released, so no load made after the release pins a model for good.
  const settled = await Promise.allSettled(runs);
  await models.release?.();
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw outerSignal?.aborted ? outerSignal.reason : stop.signal.aborted ? stop.signal.reason : failure.reason;
  report();
  return {
    total: progress.total,
    resumed: progress.resumed,
    answered: progress.answered,
    failed: progress.failed,
    skippedAggregators: skipped.filter((s) => s === true).length,
    measuredSeconds: (performance.now() - started) / 1000,
    loads,
    skipped,
  };
}

const DAY_MS = 86_400_000;

// A resumed batch leaves out the prompts already answered, and the loads no prompt left needs (a load is
// needed when its model serves again before it is loaded again on that worker).
function stepsLeft(steps: readonly ScheduleStep[], answered: (query: number) => boolean): ScheduleStep[] {
  const serving = steps.filter((s) => s.kind === "load" || !answered(s.query));
  return serving.filter((step, i) => {
    if (step.kind !== "load") return true;
    for (const later of serving.slice(i + 1)) {
      if (later.model !== step.model) continue;
      return later.kind === "serve";
    }
    return false;
  });
}
const ERROR_MAX_CHARS = 4000;

// describeError keeps the first line; a layer's failure lists each agent's reason on the lines after it.
function oneLineError(error: unknown): string {
  const text = error instanceof Error ? redactCredentials(error.message) : describeError(error);
  return stripTerminalControls(text)
    .replace(/\s*\n\s*/g, " ")
    .slice(0, ERROR_MAX_CHARS);
}

// A dropped connection or a busy server should not end a batch of hours; a second failure does.
async function withOneRetry(load: () => Promise<void>, signal: AbortSignal): Promise<void> {
  try {
    await load();
  } catch (error) {
    if (signal.aborted || (isMoAError(error) && error.code === "worker_model_missing")) throw error;
    await sleep(2000, signal);
    await load();
  }
}

// MOSAIC graphs need two experts, an aggregator, and a prompt to ask.
function checkRunnable(problem: SchedulingProblem): void {
  const issues = problem.queries.flatMap((query) => {
    const problems: Array<{ path: string; message: string }> = [];
    if (query.prompt === undefined)
      problems.push({ path: `queries (${query.id})`, message: "no prompt; moa batch asks each query's prompt" });
    if (query.experts.length < 2)
      problems.push({ path: `queries (${query.id})`, message: "needs at least 2 experts for the confidence gate" });
    if (query.aggregator === undefined) problems.push({ path: `queries (${query.id})`, message: "no aggregator; set aggregator.expert" });
    return problems;
  });
  if (issues.length > 0)
    throw new ConfigError(
      issues.length > 10 ? [...issues.slice(0, 10), { path: "queries", message: `... and ${issues.length - 10} more` }] : issues,
    );
}

function agentName(problem: SchedulingProblem, model: number): string {
  const name = problem.models[model]!.name;
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) ? name : `expert-${model + 1}`;
}

function stepKey(step: Extract<ScheduleStep, { kind: "serve" }>): string {
  return `${step.stage}:${step.query}:${step.model}`;
}

function stepsOf(problem: SchedulingProblem, q: number): Array<Extract<ScheduleStep, { kind: "serve" }>> {
  const query = problem.queries[q]!;
  const steps = query.experts.map((model) => ({ kind: "serve", model, query: q, stage: "expert" }) as const);
  return query.aggregator === undefined
    ? steps
    : [...steps, { kind: "serve", model: query.aggregator, query: q, stage: "aggregator" } as const];
}

function callsOf(problem: SchedulingProblem, q: number, state: MoAStateValue, laneOf: Map<string, number>): BatchCall[] {
  const query = problem.queries[q]!;
  const byName = new Map(query.experts.map((m) => [agentName(problem, m), m]));
  return state.answers.flatMap((answer): BatchCall[] => {
    const isAggregator = answer.role === "final";
    const model = isAggregator ? query.aggregator : byName.get(answer.agent);
    if (model === undefined || answer.role === "router") return [];
    const stage = isAggregator ? "aggregator" : "expert";
    const worker = laneOf.get(stepKey({ kind: "serve", model, query: q, stage }));
    return [
      {
        model: problem.models[model]!.name,
        stage,
        worker: worker === undefined ? "?" : problem.workers[worker]!.name,
        latencyMs: Math.round(answer.latencyMs * 10) / 10,
        ...(answer.usage ? { outputTokens: answer.usage.outputTokens } : {}),
        ...(answer.error !== undefined ? { error: answer.error } : {}),
      },
    ];
  });
}
