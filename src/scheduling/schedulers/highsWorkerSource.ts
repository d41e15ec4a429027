/**
 * The code of the thread that runs HiGHS, as a CommonJS script for `new Worker(code, { eval: true })`.
 * A string rather than a module file because the same path must work from the compiled `dist/` and
 * from the TypeScript sources under vitest, and a worker cannot load `.ts` files on Node 20; `highs` is
 * required by the absolute path the caller resolved, so it does not depend on the working directory.
 *
 * It receives `{ highsPath, lp, columns, start, options }` as `workerData` and posts a
 * {@link HighsWorkerReply} for every improved incumbent, then one with the final result.
 */
export const HIGHS_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { highsPath, lp, columns, start, options } = workerData;
(async () => {
  const highs = await require(highsPath)();
  const model = highs.createModel({ format: "lp", data: lp });
  try {
    model.options.set(options);
    const indices = [];
    const values = [];
    for (const [name, value] of start) {
      indices.push(model.getColByName(name));
      values.push(value);
    }
    if (indices.length > 0) model.setSolution({ indices, values });
    const columnIndex = columns.map((name) => model.getColByName(name));
    // Each new incumbent goes out at once, so a solve killed at the hard limit still leaves its best.
    model.run({
      [highs.constants.callbackType.mipImprovingSolution](event) {
        const solution = event.data.mip_solution;
        if (!solution) return;
        parentPort.postMessage({
          kind: "incumbent",
          objective: event.data.objective_function_value,
          gap: event.data.mip_gap,
          values: columns.map((name, i) => [name, solution[columnIndex[i]]]),
        });
      },
    });
    const statusCode = model.getModelStatus();
    const hasSolution = Number(model.info.get("primal_solution_status")) === 2;
    const colValue = hasSolution ? model.getSolution().colValue : [];
    parentPort.postMessage({
      kind: "done",
      statusCode,
      hasSolution,
      objective: hasSolution ? model.getObjectiveValue() : undefined,
      gap: hasSolution ? Number(model.info.get("mip_gap")) : undefined,
      values: hasSolution ? columns.map((name) => [name, colValue[model.getColByName(name)]]) : [],
    });
  } finally {
    model.dispose();
  }
})().catch((error) => parentPort.postMessage({ kind: "error", message: String(error && error.message ? error.message : error) }));
`;

/** What the HiGHS thread posts back. */
export type HighsWorkerReply =
  | {
      kind: "done";
      /** HiGHS model status code (7 optimal, 13 time limit, ...). */
      statusCode: number;
      hasSolution: boolean;
      objective: number | undefined;
      gap: number | undefined;
      values: [string, number][];
    }
  | { kind: "incumbent"; objective: number | undefined; gap: number | undefined; values: [string, number][] }
  | { kind: "error"; message: string };
