import { loadWorkload } from "../../scheduling/loadWorkload.js";
import { meanRealisation } from "../../scheduling/run/meanRealisation.js";
import { runBatch, type BatchReport } from "../../scheduling/run/runBatch.js";
import { readSavedSchedule, writeSavedSchedule } from "../../scheduling/run/savedSchedule.js";
import { schedulers } from "../../scheduling/schedulers/index.js";
import { simulateSchedule } from "../../scheduling/simulateSchedule.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ConfigError } from "../../errors/ConfigError.js";
import { RunInterruptedError } from "../../errors/RunInterruptedError.js";
import { UsageError } from "../../errors/UsageError.js";
import { readBatchResults } from "../../scheduling/run/batchResults.js";
import { createLiveLines, type LiveLinesOutput } from "../progress/createLiveLines.js";
import { batchStatusLines } from "../progress/batchStatusLines.js";
import { formatDuration } from "../progress/formatDuration.js";
import { describeRouting } from "./schedule.js";

/** Options of `moa batch`. */
export interface BatchCommandOptions {
  workload: string;
  /** JSONL results file; also where a resumed batch finds what is done. */
  out: string;
  scheduler?: string;
  timeLimitSeconds?: number;
  maxTokens?: number;
  /** Limit on one model call once its turn has come. */
  callTimeoutSeconds?: number;
  json?: boolean;
  quiet?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: LiveLinesOutput & { isTTY?: boolean };
  signal?: AbortSignal;
}

const LOG_EVERY_MS = 10_000;

/**
 * `moa batch`: runs a workload's queries through MOSAIC graphs on its workers, following a schedule
 * (made once, saved beside the results, reused when the batch is resumed), and compares the measured
 * makespan with the simulator's prediction for the same schedule.
 *
 * @example
 * await batchCommand({ workload: "workload.yaml", out: "results.jsonl", scheduler: "ilp" });
 */
export async function batchCommand({
  workload,
  out,
  scheduler = "ilp",
  timeLimitSeconds,
  maxTokens,
  callTimeoutSeconds,
  json = false,
  quiet = false,
  stdout = process.stdout,
  stderr = process.stderr,
  signal,
}: BatchCommandOptions): Promise<void> {
  const chosen = schedulers.find((s) => s.name === scheduler);
  if (!chosen)
    throw new UsageError(`--scheduler: unknown scheduler "${scheduler}"`, {
      code: "unknown_scheduler",
      fix: `use one of ${schedulers.map((s) => s.name).join(", ")}`,
    });
  // Routes decided by an earlier run of this batch are reused, so a resumed batch is routed the same way.
  const routesFile = `${out}.routing.json`;
  const decided = readSavedRoutes({ file: routesFile });
  const { problem, routing, decisions } = await loadWorkload({ file: workload, decided, ...(signal ? { signal } : {}) });
  if (Object.keys(decisions).length > 0) writeFileSync(routesFile, `${JSON.stringify(decisions)}\n`);
  const scheduleFile = `${out}.schedule.json`;
  let schedule = readSavedSchedule({ file: scheduleFile, problem });
  const reused = schedule !== undefined;
  if (schedule) {
    // A saved schedule may have been edited by hand: check it before any call is made.
    try {
      simulateSchedule({ problem, schedule, realisation: meanRealisation({ problem, skipped: [] }) });
    } catch (error) {
      throw new ConfigError(
        [
          {
            path: "",
            message: `${oneLine((error as Error).message)}; delete it to schedule the batch again`,
          },
        ],
        scheduleFile,
      );
    }
    if (schedule.scheduler !== scheduler && !quiet)
      stderr.write(`note: resuming with the saved ${schedule.scheduler} schedule; --scheduler ${scheduler} applies to a new --out\n`);
  }
  if (!schedule) {
    schedule = await chosen.schedule({
      problem,
      ...(timeLimitSeconds === undefined ? {} : { timeLimitSeconds }),
      ...(signal ? { signal } : {}),
    });
    writeSavedSchedule({ file: scheduleFile, problem, schedule });
  }
  if (!quiet) {
    if (routing) stderr.write(`${describeRouting(routing)}\n`);
    stderr.write(`schedule: ${schedule.scheduler}${reused ? ` (saved in ${scheduleFile}, reused)` : ""}\n`);
    if (schedule.note) stderr.write(`note: ${schedule.note}\n`);
  }

  const live = stderr.isTTY && !quiet ? createLiveLines({ stream: stderr }) : undefined;
  let lastLog = 0;
  const report: BatchReport = await runBatch({
    problem,
    schedule,
    resultsFile: out,
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...(callTimeoutSeconds === undefined ? {} : { callTimeoutMs: callTimeoutSeconds * 1000 }),
    ...(signal ? { signal } : {}),
    onProgress: (progress) => {
      if (quiet) return;
      if (live) return live.draw(batchStatusLines({ problem, progress }));
      if (progress.elapsedMs - lastLog < LOG_EVERY_MS) return;
      lastLog = progress.elapsedMs;
      stderr.write(`${batchStatusLines({ problem, progress })[0]}\n`);
    },
  })
    .catch((error: unknown) => {
      if (!signal?.aborted) throw error;
      const saved = readBatchResults({ file: out }).filter((r) => r.error === undefined).length;
      const detail = saved === 0 ? "no query was answered yet" : `${saved} answered queries are saved in ${out}`;
      throw new RunInterruptedError(detail, "run the same command again to go on from there");
    })
    .finally(() => live?.clear());

  const predicted =
    report.resumed === 0
      ? simulateSchedule({ problem, schedule, realisation: meanRealisation({ problem, skipped: report.skipped }) }).makespanSeconds
      : undefined;
  const summary = {
    results: out,
    scheduler: schedule.scheduler,
    queries: report.total,
    answered: report.answered,
    failed: report.failed,
    resumed: report.resumed,
    skippedAggregators: report.skippedAggregators,
    loads: report.loads,
    measuredSeconds: Math.round(report.measuredSeconds * 1000) / 1000,
    ...(predicted === undefined ? {} : { simulatedSeconds: Math.round(predicted * 1000) / 1000 }),
  };
  if (json) {
    stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    const comparison =
      predicted === undefined
        ? "(no simulated comparison for a resumed batch)"
        : `simulated ${formatDuration(predicted * 1000)} with the profiles' means (measured / simulated = ${(report.measuredSeconds / predicted).toFixed(2)})`;
    stdout.write(
      [
        `${report.answered} answered, ${report.failed} failed${report.resumed > 0 ? `, ${report.resumed} from an earlier run` : ""}; aggregator skipped for ${report.skippedAggregators}`,
        `makespan: ${formatDuration(report.measuredSeconds * 1000)} measured, ${comparison}`,
        `loads: ${report.loads}; results in ${out}`,
        "",
      ].join("\n"),
    );
  }
  if (report.failed > 0) {
    stderr.write(`${report.failed} queries failed (their errors are in ${out}); run the same command again to retry only them\n`);
    process.exitCode = 1;
  }
}

// "invalid rr schedule:\n  - a\n  - b" reads "invalid rr schedule: a; b" inside a one-line issue.
function oneLine(message: string): string {
  const [head = "", ...items] = message.split(/\n\s*- /);
  return items.length === 0 ? head : `${head} ${items.join("; ")}`;
}

function readSavedRoutes({ file }: { file: string }): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const routes = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (
      typeof routes === "object" &&
      routes !== null &&
      !Array.isArray(routes) &&
      Object.values(routes).every((v) => typeof v === "string")
    )
      return routes as Record<string, string>;
  } catch {
    // reported below
  }
  throw new ConfigError([{ path: "", message: "is not a batch's saved routes; delete it to route the batch again" }], file);
}
