import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { HIGHS_WORKER_SOURCE, type HighsWorkerReply } from "./highsWorkerSource.js";

/** A mixed-integer program to solve, with a start and limits. */
export interface MipRequest {
  /** CPLEX LP text. */
  lp: string;
  /** Column names whose values to return. */
  columns: string[];
  /** A feasible start (column name to value), e.g. the heuristic's plan. */
  start: ReadonlyMap<string, number>;
  /** HiGHS's own time limit, seconds. */
  solverSeconds: number;
  /** The thread is terminated this many seconds after the start, whatever HiGHS does. */
  hardSeconds: number;
  /** HiGHS stops once the relative gap between incumbent and bound is this small. */
  relativeGap: number;
  /** Aborting terminates the solve at once. */
  signal?: AbortSignal;
}

/** How a solve ended. */
export interface MipOutcome {
  /** `optimal`, `time_limit`, `infeasible`, `aborted`, `failed`, or `highs_status_<code>`. */
  status: string;
  /** Column values of the best solution found, when there is one. */
  values: Map<string, number> | undefined;
  objective: number | undefined;
  gap: number | undefined;
  /** Why there is no solution, for the user. */
  detail?: string;
}

/** A way to solve a {@link MipRequest}; {@link solveWithHighs} unless a test replaces it. */
export type MipSolver = (request: MipRequest) => Promise<MipOutcome>;

const STATUS_NAMES: Record<number, string> = { 7: "optimal", 8: "infeasible", 13: "time_limit", 4: "failed" };

/**
 * Solves a MIP with HiGHS in a worker thread, so the event loop stays free and a solve that overruns
 * its limit can be killed: the thread is terminated at `hardSeconds` or when `signal` aborts, and
 * always once it has answered.
 *
 * @example
 * const outcome = await solveWithHighs({ lp, columns, start: new Map(), solverSeconds: 8, hardSeconds: 10, relativeGap: 1e-4 });
 * if (outcome.values) console.log(outcome.objective, outcome.gap);
 */
export function solveWithHighs({ lp, columns, start, solverSeconds, hardSeconds, relativeGap, signal }: MipRequest): Promise<MipOutcome> {
  const highsPath = createRequire(import.meta.url).resolve("highs");
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ status: "aborted", values: undefined, objective: undefined, gap: undefined });
    const worker = new Worker(HIGHS_WORKER_SOURCE, {
      eval: true,
      // The parent's flags would apply to the worker's code, and some change how it is read (e.g.
      // `--input-type=module` makes the CommonJS script fail); the script needs none of them.
      execArgv: [],
      workerData: {
        highsPath,
        lp,
        columns,
        start: [...start],
        options: { output_flag: false, time_limit: Math.max(0.01, solverSeconds), mip_rel_gap: relativeGap },
      },
    });
    let settled = false;
    const finish = (outcome: MipOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      resolve(outcome);
    };
    const none = { values: undefined, objective: undefined, gap: undefined };
    let incumbent: Pick<MipOutcome, "values" | "objective" | "gap"> = none;
    const timer = setTimeout(
      () => finish({ status: "time_limit", ...incumbent, detail: `HiGHS was stopped at the ${hardSeconds} s limit` }),
      hardSeconds * 1000,
    );
    const onAbort = () => finish({ status: "aborted", ...none, detail: "the solve was cancelled" });
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (reply: HighsWorkerReply) => {
      if (reply.kind === "error") return finish({ status: "failed", ...none, detail: `HiGHS failed: ${reply.message}` });
      if (reply.kind === "incumbent") {
        incumbent = { values: new Map(reply.values), objective: reply.objective, gap: finiteOrUndefined(reply.gap) };
        return;
      }
      const status = STATUS_NAMES[reply.statusCode] ?? `highs_status_${reply.statusCode}`;
      finish({
        status,
        values: reply.hasSolution ? new Map(reply.values) : undefined,
        objective: reply.objective,
        gap: finiteOrUndefined(reply.gap),
        ...(reply.hasSolution ? {} : { detail: `HiGHS ended with status ${status} and no solution` }),
      });
    });
    worker.on("error", (error) => finish({ status: "failed", ...incumbent, detail: `the HiGHS thread failed: ${error.message}` }));
    worker.on("exit", (code) =>
      finish({ status: "failed", ...incumbent, detail: `the HiGHS thread exited with code ${code} before answering` }),
    );
  });
}

// HiGHS reports an infinite gap while it has no bound yet; that is an unknown gap.
function finiteOrUndefined(gap: number | undefined): number | undefined {
  return gap !== undefined && Number.isFinite(gap) ? gap : undefined;
}
