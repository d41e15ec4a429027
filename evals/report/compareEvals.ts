import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { borderlessTable } from "../../src/cli/borderlessTable.js";
import { clipText, fitColumns } from "../../src/cli/fitColumns.js";
import { UsageError } from "../../src/errors/UsageError.js";
import { stripTerminalControls } from "../../src/util/stripTerminalControls.js";
import { BENCHMARKS, type EvalSummary } from "../types.js";
import { formatAmount, formatLatency, formatQuality, formatShare } from "./formatEvalValues.js";
import { groupByBench, renderEvalHtml, renderEvalMarkdown, topologyLabels } from "./renderEvalReport.js";
import { writeFileAtomic } from "./writeFileAtomic.js";

const FIX = "give the folder that `moa eval --out <folder>` wrote";

/**
 * Reads `dir/summary.json`, the summary `moa eval` writes into its `--out` folder. Throws a UsageError
 * naming the folder when the file is missing, is not JSON, or does not hold an eval summary.
 *
 * @example
 * const summary = await readEvalSummary({ dir: "runs/gsm8k-moa" });
 */
export async function readEvalSummary({ dir }: { dir: string }): Promise<EvalSummary> {
  const file = path.join(dir, "summary.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new UsageError(`${dir} has no summary.json: it should be an --out folder of moa eval`, {
      code: "eval_summary_missing",
      fix: FIX,
      cause,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`${file} is not JSON: ${dir} should be an --out folder of moa eval`, {
      code: "eval_summary_invalid",
      fix: FIX,
      cause,
    });
  }
  if (!isEvalSummary(value)) {
    throw new UsageError(`${file} does not hold an eval summary: ${dir} should be an --out folder of moa eval`, {
      code: "eval_summary_invalid",
      fix: FIX,
    });
  }
  return value;
}

/** Options of {@link compareEvals}. */
export interface CompareEvalsOptions {
  /** Two or more `--out` folders of `moa eval`, on the same benchmark or not (rows are grouped by benchmark). */
  dirs: readonly string[];
  /** A folder to write the combined `report.md` and `report.html` into (created when missing). */
  out?: string;
  stdout: NodeJS.WritableStream;
}

const HEAD = ["bench", "topology", "quality", "items", "failed", "calls/item", "tok/item", "p50", "skip"];
const GAP = "  ";

/**
 * `moa eval compare`: reads the summaries of two or more evals, prints them side by side (one row per eval,
 * grouped by benchmark, no terminal control sequence from any name), and writes a combined report into
 * `out` when given. Returns the summaries in the order of `dirs`.
 *
 * @example
 * await compareEvals({ dirs: ["runs/moa", "runs/single"], out: "runs/compare", stdout: process.stdout });
 */
export async function compareEvals({ dirs, out, stdout }: CompareEvalsOptions): Promise<EvalSummary[]> {
  if (dirs.length < 2) {
    throw new UsageError(`moa eval compare needs at least two eval folders, got ${dirs.length}`, {
      code: "compare_needs_two",
      fix: "give two or more --out folders of moa eval",
    });
  }
  const summaries: EvalSummary[] = [];
  for (const dir of dirs) summaries.push(await readEvalSummary({ dir }));
  stdout.write(`${comparisonTable({ summaries })}\n`);
  // Evals of one benchmark on different item counts (another --limit) are not comparable item for item: say so.
  for (const [bench, group] of groupByBench({ summaries })) {
    const counts = [...new Set(group.map((summary) => summary.items))];
    if (counts.length > 1)
      stdout.write(
        `note: the ${bench} evals cover different numbers of items (${counts.join(", ")}); rerun them with the same --limit to compare like with like\n`,
      );
  }
  if (out !== undefined) {
    await mkdir(out, { recursive: true });
    await writeFileAtomic({ file: path.join(out, "report.md"), text: renderEvalMarkdown({ summaries }) });
    await writeFileAtomic({ file: path.join(out, "report.html"), text: renderEvalHtml({ summaries }) });
    stdout.write(`report: ${stripTerminalControls(path.join(out, "report.html"))}\n`);
  }
  return summaries;
}

/**
 * The side-by-side table of evals as printed text: one row per eval, grouped by benchmark, fitted to a
 * 100-column terminal (topology names give way first).
 *
 * @example
 * console.log(comparisonTable({ summaries }));
 */
export function comparisonTable({ summaries }: { summaries: readonly EvalSummary[] }): string {
  const cells: string[][] = [];
  for (const group of groupByBench({ summaries }).values()) {
    const labels = topologyLabels({ summaries: group });
    group.forEach((summary, index) => {
      cells.push([
        summary.bench,
        // Names come from files anyone may have written: no control sequence reaches the terminal or breaks the columns.
        stripTerminalControls(labels[index]!).replace(/\s+/g, " "),
        formatQuality({ quality: summary.quality }),
        String(summary.items),
        String(summary.failed),
        formatAmount({ value: summary.cost.callsPerItem }),
        formatAmount({ value: summary.cost.inputTokensPerItem + summary.cost.outputTokensPerItem }),
        formatLatency({ ms: summary.cost.latencyMsP50 }),
        formatShare({ share: summary.gateSkipRate }),
      ]);
    });
  }
  const rows = fitColumns({
    head: HEAD,
    rows: cells,
    overhead: GAP.length * (HEAD.length - 1),
    shrink: [{ column: 1, min: 12, shorten: clipText }],
  });
  return borderlessTable({
    head: [...HEAD],
    rows,
    gap: GAP,
    colAligns: ["left", "left", "right", "right", "right", "right", "right", "right", "right"],
  });
}

/** Enough of the shape to render a report from: a summary from another version or a hand edit fails here, not mid-render. */
function isEvalSummary(value: unknown): value is EvalSummary {
  if (typeof value !== "object" || value === null) return false;
  const summary = value as Record<string, unknown>;
  const quality = summary.quality as Record<string, unknown> | null | undefined;
  const cost = summary.cost as Record<string, unknown> | null | undefined;
  const isNumber = (field: unknown) => typeof field === "number";
  return (
    (BENCHMARKS as readonly unknown[]).includes(summary.bench) &&
    typeof summary.topology === "string" &&
    isNumber(summary.items) &&
    isNumber(summary.failed) &&
    typeof quality === "object" &&
    quality !== null &&
    typeof quality.metric === "string" &&
    isNumber(quality.value) &&
    typeof summary.perCategory === "object" &&
    summary.perCategory !== null &&
    typeof cost === "object" &&
    cost !== null &&
    ["callsPerItem", "inputTokensPerItem", "outputTokensPerItem", "activeParamsPerItem", "latencyMsP50"].every((key) => isNumber(cost[key]))
  );
}
