import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { EvalSummary, ItemResult } from "../types.js";
import { renderEvalHtml, renderEvalMarkdown } from "./renderEvalReport.js";
import { writeFileAtomic } from "./writeFileAtomic.js";

/** Options of {@link writeEvalReport}. */
export interface WriteEvalReportOptions {
  /** The eval's `--out` folder; created when missing. */
  dir: string;
  summary: EvalSummary;
  /** Every item's result, written one per line. */
  results: readonly ItemResult[];
}

/** The files {@link writeEvalReport} writes, by what they hold. */
export interface EvalReportFiles {
  summary: string;
  results: string;
  markdown: string;
  html: string;
}

/**
 * Writes an eval's outputs into `dir`: `summary.json` (what `moa eval compare` reads), `results.jsonl` (one
 * ItemResult per line), `report.md` and `report.html`. Each file is replaced atomically, so a report being
 * read or compared while an eval rewrites it is never half-written. Returns the files' paths.
 *
 * @example
 * const files = await writeEvalReport({ dir: "runs/gsm8k-moa", summary, results });
 * console.log(`report: ${files.html}`);
 */
export async function writeEvalReport({ dir, summary, results }: WriteEvalReportOptions): Promise<EvalReportFiles> {
  await mkdir(dir, { recursive: true });
  const files: EvalReportFiles = {
    summary: path.join(dir, "summary.json"),
    results: path.join(dir, "results.jsonl"),
    markdown: path.join(dir, "report.md"),
    html: path.join(dir, "report.html"),
  };
  await writeFileAtomic({ file: files.summary, text: `${JSON.stringify(summary, null, 2)}\n` });
  await writeFileAtomic({ file: files.results, text: results.map((result) => `${JSON.stringify(result)}\n`).join("") });
  await writeFileAtomic({ file: files.markdown, text: renderEvalMarkdown({ summaries: [summary] }) });
  await writeFileAtomic({ file: files.html, text: renderEvalHtml({ summaries: [summary] }) });
  return files;
}
