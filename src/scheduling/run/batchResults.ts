import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { ConfigError } from "../../errors/ConfigError.js";

/** One model call of a batch query. */
export interface BatchCall {
  model: string;
  stage: "expert" | "aggregator";
  worker: string;
  latencyMs: number;
  outputTokens?: number;
  error?: string;
}

/** One line of a batch's results file. */
export interface BatchResult {
  id: string;
  /** The reply; absent when the query failed. */
  answer?: string;
  /** Why the query failed; a failed query is run again when the batch is resumed. */
  error?: string;
  skippedAggregator?: boolean;
  /** The gate's confidence (largest agreeing share of the experts). */
  confidence?: number;
  calls: BatchCall[];
  startedAt: string;
  seconds: number;
}

/**
 * The results already in a batch's JSONL file (none when it does not exist). A last line cut short by a
 * crash is ignored: that query is simply run again.
 *
 * @example
 * readBatchResults({ file: "results.jsonl" }).length; // 812
 */
export function readBatchResults({ file }: { file: string }): BatchResult[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n");
  const results: BatchResult[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const value = JSON.parse(line) as BatchResult;
      if (typeof value.id !== "string") throw new Error("no id");
      results.push(value);
    } catch {
      if (i >= lines.length - 2) return; // the line a crash cut short
      throw new ConfigError([{ path: "", message: `line ${i + 1} is not a batch result; is this the results file of a batch?` }], file);
    }
  });
  return results;
}

/**
 * Appends one finished query to the results file, at once, so a crash loses no finished query.
 *
 * @example
 * appendBatchResult({ file: "results.jsonl", result });
 */
export function appendBatchResult({ file, result }: { file: string; result: BatchResult }): void {
  appendFileSync(file, `${JSON.stringify(result)}\n`);
}
