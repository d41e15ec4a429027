import type { BatchProgress } from "../../scheduling/run/runBatch.js";
import type { SchedulingProblem } from "../../scheduling/types.js";
import { formatDuration } from "./formatDuration.js";

/**
 * The lines of a batch's live status: queries done, rate and ETA, then what each worker is doing.
 *
 * @example
 * batchStatusLines({ problem, progress }); // ["queries 812/2000 · 1.2/s · ETA 16m 30s", "  gpu-1  serving general (q123)", ...]
 */
export function batchStatusLines({ problem, progress }: { problem: SchedulingProblem; progress: BatchProgress }): string[] {
  const finished = progress.answered + progress.failed;
  const rate = finished / Math.max(progress.elapsedMs / 1000, 1e-9);
  const left = progress.total - progress.resumed - finished;
  const parts = [
    `queries ${progress.resumed + finished}/${progress.total}`,
    ...(progress.failed > 0 ? [`${progress.failed} failed`] : []),
    ...(progress.resumed > 0 ? [`${progress.resumed} from an earlier run`] : []),
    `${rate.toFixed(rate < 10 ? 2 : 0)}/s`,
    `ETA ${finished === 0 ? "--" : formatDuration((left / rate) * 1000)}`,
    formatDuration(progress.elapsedMs),
  ];
  const width = Math.max(...problem.workers.map((w) => w.name.length));
  const lanes = progress.lanes.map((state, w) => {
    const name = problem.workers[w]!.name.padEnd(width);
    const model = (m: number) => problem.models[m]!.name;
    switch (state.kind) {
      case "loading":
        return `  ${name}  loading ${model(state.model)}`;
      case "serving":
        return `  ${name}  ${state.step.stage === "aggregator" ? "aggregating" : "serving"} ${model(state.step.model)} (${problem.queries[state.step.query]!.id})`;
      case "waiting":
        return `  ${name}  waiting for ${problem.queries[state.step.query]!.id} (${model(state.step.model)})`;
      case "done":
        return `  ${name}  done`;
    }
  });
  return [parts.join(" · "), ...lanes];
}
