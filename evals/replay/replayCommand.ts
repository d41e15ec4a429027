import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../../src/errors/UsageError.js";
import { writeReplayReport } from "../report/writeReplayReport.js";
import type { PromptRouter } from "./baselineRouters.js";
import { replayBenchmark } from "./replayBenchmark.js";
import type { ReplayResult } from "./types.js";

/** Where the command writes; `process.stdout` and `process.stderr` fit. */
export interface TextSink {
  write(chunk: string): unknown;
}

const LAYOUT = "a RouteLLM folder holding gsm8k_responses.jsonl (for gsm8k) and mmlu/*.jsonl (for mmlu)";
const FIX = "pass --data <folder>, e.g. --data ../shared/datasets/routellm";

/**
 * Checks that `data` holds what each benchmark reads, so a wrong path fails with the flag to fix rather
 * than with a file-system error halfway through.
 *
 * @example
 * checkReplayData({ data: "../shared/datasets/routellm", benchmarks: ["gsm8k"] }); // throws UsageError if absent
 */
export function checkReplayData({ data, benchmarks }: { data: string; benchmarks: ReadonlyArray<"gsm8k" | "mmlu"> }): void {
  const fail = (problem: string) =>
    new UsageError(`--data ${data}: ${problem}; expected ${LAYOUT}`, { code: "replay_data_missing", fix: FIX });
  if (!existsSync(data) || !statSync(data).isDirectory()) throw fail("no such folder");
  if (benchmarks.includes("gsm8k") && !existsSync(path.join(data, "gsm8k_responses.jsonl"))) {
    throw fail("gsm8k_responses.jsonl is missing");
  }
  if (benchmarks.includes("mmlu")) {
    const mmlu = path.join(data, "mmlu");
    const files = existsSync(mmlu) && statSync(mmlu).isDirectory() ? readdirSync(mmlu).filter((name) => name.endsWith(".jsonl")) : [];
    if (files.length === 0) throw fail("mmlu/ holds no .jsonl files");
  }
}

/**
 * `moa eval replay`: replays every benchmark from RouteLLM's recordings, prints a table (or the results
 * as JSON with `json`) and, with `out`, writes `<out>/replay.json` (an array of `ReplayResult`) and the report with its charts.
 * JSON has no NaN: an accuracy on no items (nothing skipped) is written as null.
 *
 * @example
 * await replayCommand({ benchmarks: ["gsm8k", "mmlu"], data: "../shared/datasets/routellm", out: "runs/replay", stdout: process.stdout, stderr: process.stderr });
 */
export async function replayCommand({
  benchmarks,
  data,
  out,
  json = false,
  tolerance,
  seed,
  routers,
  stdout,
  stderr,
}: {
  benchmarks: ReadonlyArray<"gsm8k" | "mmlu">;
  /** The RouteLLM folder. */
  data: string;
  /** A folder for replay.json, report.md and report.html. */
  out?: string;
  json?: boolean;
  tolerance?: number;
  seed?: number;
  /** Routers to replay: default the baselines and the rule router (an LLM router is added by the CLI's --router-model). */
  routers?: readonly PromptRouter[];
  stdout: TextSink;
  stderr: TextSink;
}): Promise<ReplayResult[]> {
  if (benchmarks.length === 0) throw new UsageError("no benchmark to replay; give gsm8k, mmlu or both", { code: "replay_no_benchmark" });
  checkReplayData({ data, benchmarks });
  const results: ReplayResult[] = [];
  for (const benchmark of benchmarks) {
    stderr.write(`replaying ${benchmark} from ${data}\n`);
    results.push(
      await replayBenchmark({
        benchmark,
        folder: data,
        ...(tolerance === undefined ? {} : { tolerance }),
        ...(seed === undefined ? {} : { seed }),
        ...(routers ? { routers } : {}),
      }),
    );
  }
  const text = `${JSON.stringify(results, null, 2)}\n`;
  if (out) {
    const written = await writeReplayReport({ dir: out, results });
    stderr.write(`wrote ${Object.values(written).join(", ")}\n`);
  }
  stdout.write(json ? text : results.map((result) => formatReplayResult({ result })).join("\n"));
  return results;
}

const pct = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? "-" : `${(100 * x).toFixed(1)}%`);

/**
 * One benchmark's results as a plain-text table.
 *
 * @example
 * process.stdout.write(formatReplayResult({ result: await replayBenchmark({ benchmark: "gsm8k" }) }));
 */
export function formatReplayResult({ result }: { result: ReplayResult }): string {
  const lines = [
    `${result.benchmark.toUpperCase()} (${result.items} items): strong ${result.strong.model} ${pct(result.strong.accuracy)}, weak ${result.weak.model} ${pct(result.weak.accuracy)}`,
    `  ${"router".padEnd(14)} ${"APGR".padStart(6)}  strong calls for 20% / 50% / 80% of the gap`,
  ];
  for (const router of result.routers) {
    const share = router.strongShareFor;
    lines.push(
      `  ${router.router.padEnd(14)} ${router.apgr.toFixed(3).padStart(6)}  ${pct(share["20"])} / ${pct(share["50"])} / ${pct(share["80"])}`,
    );
  }
  const { gate, calibratedGate: calibrated } = result;
  if (gate) {
    lines.push(
      `  gate (${gate.extractor} extractor; ${gate.aggregatorStandIn} stands in for the aggregator; graded by extracted number): always aggregate ${pct(gate.alwaysAggregateAccuracy)}`,
    );
    for (const row of gate.thresholds) {
      lines.push(
        `    T = ${String(row.threshold).padEnd(4)} skip ${pct(row.skipRate).padStart(6)} (${row.skipped}), accuracy ${pct(row.accuracy)}, on skipped ${pct(row.skippedAccuracy)}, stand-in on the rest ${pct(row.escalatedAccuracy)}`,
      );
    }
  }
  if (calibrated) {
    lines.push(
      `  calibrated gate: T = ${calibrated.threshold} (${calibrated.extractor}) within ${pct(calibrated.tolerance)} on ${calibrated.calibrationItems} items` +
        `${calibrated.withinTolerance === false ? " (none was; the most accurate taken)" : ""}; ` +
        `held out (${calibrated.heldOutItems}): skip ${pct(calibrated.heldOut.skipRate)}, accuracy ${pct(calibrated.heldOut.accuracy)} vs ${pct(calibrated.heldOut.alwaysAggregateAccuracy)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
