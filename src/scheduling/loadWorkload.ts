import path from "node:path";
import { readConfigFile } from "../config/readConfigFile.js";
import { normalizeWorkload } from "./normalizeWorkload.js";
import { routeWorkload, type RoutingSummary } from "./routeWorkload.js";
import type { SchedulingProblem } from "./types.js";

/** A loaded workload: its problem, and how its unrouted queries were routed (when the workload routes any). */
export interface LoadedWorkload {
  problem: SchedulingProblem;
  routing: RoutingSummary | undefined;
  /** The category of every routed prompt (see routeWorkload's `decided`). */
  decisions: Record<string, string>;
}

/**
 * Reads a workload file (YAML or JSON), routes the queries that do not list their experts (when it has a
 * routing section) and returns its scheduling problem; every problem in the file is reported at once as an
 * `invalid_config` error with field paths.
 *
 * @example
 * const { problem } = await loadWorkload({ file: "examples/workload.yaml" });
 */
export async function loadWorkload({
  file,
  decided,
  signal,
}: {
  file: string;
  /** Routes decided by an earlier run, by prompt: not routed again. */
  decided?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}): Promise<LoadedWorkload> {
  const raw = readConfigFile(file, { expected: 'a mapping with "workers", "experts" and "queries"', what: "workload file" });
  const { workload, summary, decisions } = await routeWorkload({
    workload: raw,
    ...(decided ? { decided } : {}),
    source: file,
    baseDir: path.dirname(path.resolve(file)),
    ...(signal ? { signal } : {}),
  });
  return { problem: normalizeWorkload({ workload, source: file }), routing: summary, decisions };
}
