import { readConfigFile } from "../config/readConfigFile.js";
import { normalizeWorkload } from "./normalizeWorkload.js";
import type { SchedulingProblem } from "./types.js";

/**
 * Reads a workload file (YAML or JSON) and returns its scheduling problem; every problem in the file is
 * reported at once as an `invalid_config` error with field paths.
 *
 * @example
 * const problem = loadWorkload({ file: "examples/workload.yaml" });
 */
export function loadWorkload({ file }: { file: string }): SchedulingProblem {
  const workload = readConfigFile(file, { expected: 'a mapping with "workers", "experts" and "queries"', what: "workload file" });
  return normalizeWorkload({ workload, source: file });
}
