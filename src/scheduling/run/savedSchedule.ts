import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ConfigError } from "../../errors/ConfigError.js";
import type { Schedule, SchedulingProblem } from "../types.js";

interface SavedSchedule {
  problem: string;
  schedule: Schedule;
}

/** A digest of everything a schedule depends on: a schedule saved for another workload is not reused. */
export function problemDigest(problem: SchedulingProblem): string {
  return createHash("sha256")
    .update(JSON.stringify([problem.workers, problem.models, problem.queries]))
    .digest("hex");
}

/**
 * The schedule a batch ran with, saved beside its results: a resumed batch must follow the same plan
 * (the ILP under a time limit may not find the same one twice). Undefined when there is none yet.
 *
 * @example
 * const schedule = readSavedSchedule({ file: "results.jsonl.schedule.json", problem }) ?? (await ilpScheduler.schedule({ problem }));
 */
export function readSavedSchedule({ file, problem }: { file: string; problem: SchedulingProblem }): Schedule | undefined {
  if (!existsSync(file)) return undefined;
  let saved: SavedSchedule;
  try {
    saved = JSON.parse(readFileSync(file, "utf8")) as SavedSchedule;
  } catch {
    throw new ConfigError([{ path: "", message: "is not a saved schedule; delete it to schedule the batch again" }], file);
  }
  if (
    typeof saved !== "object" ||
    saved === null ||
    typeof saved.schedule !== "object" ||
    saved.schedule === null ||
    !Array.isArray(saved.schedule.steps)
  )
    throw new ConfigError([{ path: "", message: "is not a saved schedule; delete it to schedule the batch again" }], file);
  if (saved.problem !== problemDigest(problem))
    throw new ConfigError(
      [
        {
          path: "",
          message: "was saved for another workload; use another --out for this workload, or delete the results and this file to start over",
        },
      ],
      file,
    );
  return saved.schedule;
}

/**
 * Saves the schedule a batch runs with (see {@link readSavedSchedule}).
 *
 * @example
 * writeSavedSchedule({ file, problem, schedule });
 */
export function writeSavedSchedule({ file, problem, schedule }: { file: string; problem: SchedulingProblem; schedule: Schedule }): void {
  writeFileSync(file, `${JSON.stringify({ problem: problemDigest(problem), schedule } satisfies SavedSchedule)}\n`);
}
