import { normalizeWorkload } from "../normalizeWorkload.js";
import type { ProfileReport } from "./profileWorkload.js";

/**
 * A copy of the workload document with the measured experts' `service` and `loadSeconds` replaced,
 * everything else as it was. The measurement is of one worker, so the load time changes for that
 * worker only: a per-worker map gets that worker's entry set; a single number stays a number when
 * the workload has one worker, and otherwise becomes a map with the old number for every other
 * worker and the measured one for this worker. The copy is validated before it is returned.
 *
 * @example
 * const updated = applyProfiles({ workload, report, source: "workload.yaml" });
 */
export function applyProfiles({
  workload,
  report,
  source,
}: {
  workload: unknown;
  report: ProfileReport;
  source?: string;
}): Record<string, unknown> {
  const copy = structuredClone(workload) as {
    workers: Array<{ name: string }>;
    experts: Array<{ name: string; loadSeconds?: unknown; service?: unknown }>;
  };
  for (const measured of report.experts) {
    const expert = copy.experts.find((e) => e.name === measured.name);
    if (expert === undefined) continue;
    expert.service = measured.service;
    const old = expert.loadSeconds;
    if (typeof old === "object" && old !== null) expert.loadSeconds = { ...old, [report.worker]: measured.loadSeconds };
    else if (typeof old === "number" && copy.workers.length > 1)
      expert.loadSeconds = Object.fromEntries(copy.workers.map((w) => [w.name, w.name === report.worker ? measured.loadSeconds : old]));
    else expert.loadSeconds = measured.loadSeconds;
  }
  normalizeWorkload({ workload: copy, ...(source !== undefined ? { source } : {}) });
  return copy as unknown as Record<string, unknown>;
}
