import Table from "cli-table3";
import { UsageError } from "../../errors/UsageError.js";
import { compareSchedulers, summariseComparison } from "../../scheduling/compareSchedulers.js";
import { loadWorkload } from "../../scheduling/loadWorkload.js";
import type { RoutingSummary } from "../../scheduling/routeWorkload.js";
import { schedulerNames, schedulers } from "../../scheduling/schedulers/index.js";
import { wrapWords } from "../../util/wrapWords.js";
import { TABLE_WIDTH } from "../fitColumns.js";
import { formatDuration } from "../progress/formatDuration.js";

/** Options of `moa schedule`. */
export interface ScheduleCommandOptions {
  workload: string;
  /** A scheduler name, or `all`. */
  scheduler?: string;
  timeLimitSeconds?: number;
  seed?: number;
  json?: boolean;
  stdout?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/**
 * `moa schedule`: builds the chosen schedulers' schedules for a workload, simulates each on the same draw
 * of service times and prints a comparison with the makespan's lower bound.
 *
 * @example
 * await scheduleCommand({ workload: "examples/workload.yaml", scheduler: "all" });
 */
export async function scheduleCommand({
  workload,
  scheduler = "all",
  timeLimitSeconds,
  seed = 1,
  json = false,
  stdout = process.stdout,
  signal,
}: ScheduleCommandOptions): Promise<void> {
  const chosen = scheduler === "all" ? schedulers : schedulers.filter((s) => s.name === scheduler);
  if (chosen.length === 0)
    throw new UsageError(`--scheduler: unknown scheduler "${scheduler}"`, {
      code: "unknown_scheduler",
      fix: `use one of ${[...schedulerNames, "all"].join(", ")}`,
    });
  const { problem, routing } = await loadWorkload({ file: workload, ...(signal ? { signal } : {}) });
  const comparison = await compareSchedulers({
    problem,
    schedulers: chosen,
    seed,
    ...(timeLimitSeconds === undefined ? {} : { timeLimitSeconds }),
    ...(signal ? { signal } : {}),
  });
  const summary = summariseComparison({ comparison });
  if (json) {
    const document = {
      workload,
      workers: problem.workers.length,
      experts: problem.models.length,
      queries: problem.queries.length,
      ...(routing ? { routing } : {}),
      ...summary,
    };
    stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  stdout.write(
    `${workload}: ${problem.queries.length} queries, ${problem.models.length} models, ${problem.workers.length} workers; seed ${seed}\n`,
  );
  if (routing) stdout.write(`${describeRouting(routing)}\n`);
  const baseline = summary.schedulers.rr?.makespanSeconds;
  const head = [
    "scheduler",
    "makespan",
    "experts",
    "aggregators",
    "loads",
    "busy",
    "vs bound",
    ...(baseline ? ["vs rr"] : []),
    "solve",
    "gap",
  ];
  const table = new Table({
    head,
    style: { head: [], border: [] },
    // No rule between rows, as in the run summary.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colAligns: head.map((_, i) => (i === 0 ? "left" : "right")),
  });
  for (const [name, s] of Object.entries(summary.schedulers)) {
    table.push([
      name,
      formatSeconds(s.makespanSeconds),
      formatSeconds(s.expertStageSeconds),
      formatSeconds(s.aggregatorStageSeconds),
      String(s.loads),
      `${Math.round(s.utilisation * 100)}%`,
      `${s.boundRatio.toFixed(2)}x`,
      ...(baseline ? [`${(baseline / s.makespanSeconds).toFixed(2)}x`] : []),
      formatSeconds(s.solveSeconds),
      s.solve?.gap === undefined ? "-" : `${(s.solve.gap * 100).toFixed(s.solve.gap < 0.01 ? 2 : 1)}%`,
    ]);
  }
  stdout.write(`${table.toString()}\n`);
  stdout.write(`lower bound: ${formatSeconds(summary.lowerBoundSeconds)} (${boundExplanation[summary.lowerBoundBinding]})\n`);
  for (const [name, s] of Object.entries(summary.schedulers)) {
    if (!s.note) continue;
    const [first, ...rest] = wrapWords({ text: `note (${name}): ${s.note}`, width: TABLE_WIDTH });
    stdout.write(`${[first, ...rest.map((line) => `  ${line}`)].join("\n")}\n`);
  }
}

const boundExplanation = {
  work: "all work spread evenly over the workers",
  chain: "one query's slowest expert, then its aggregator",
  model: "one model's work on every worker it may use",
} as const;

/**
 * `routed 2000 queries: math 1100, code 500, general 400 (31 by fallback)`.
 *
 * @example
 * describeRouting({ routed: 3, byCategory: { a: 2, b: 1 }, fallbacks: 0 }); // "routed 3 queries: a 2, b 1"
 */
export function describeRouting(routing: RoutingSummary): string {
  const spread = Object.entries(routing.byCategory)
    .sort((a, b) => b[1] - a[1])
    .map(([category, count]) => `${category} ${count}`)
    .join(", ");
  return `routed ${routing.routed} queries: ${spread}${routing.fallbacks > 0 ? ` (${routing.fallbacks} by fallback)` : ""}`;
}

function formatSeconds(seconds: number): string {
  return formatDuration(seconds * 1000);
}
