import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { plannedMakespan } from "../../../src/scheduling/plannedMakespan.js";
import { stageDemand } from "../../../src/scheduling/stageDemand.js";
import { buildIlpModel, planToColumns } from "../../../src/scheduling/schedulers/ilpModel.js";
import { lptPlan } from "../../../src/scheduling/schedulers/lptScheduler.js";
import { solveWithHighs } from "../../../src/scheduling/schedulers/solveWithHighs.js";
import { randomProblem } from "../helpers/randomProblem.js";

const dist = path.resolve(import.meta.dirname, "../../../dist/src");

// Runs `code` (an ES module) in a fresh Node process; resolves with its exit code and output, or with
// code null if it has not ended by itself after `timeoutMs` (something kept it alive).
function runNode(code: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ code: null, stdout, stderr });
    }, timeoutMs);
    child.on("exit", (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, stdout, stderr });
    });
  });
}

const LP = "Minimize\n obj: x + y\nSubject To\n c: x + 2 y >= 3.5\nGenerals\n x y\nEnd\n";

describe("solveWithHighs", () => {
  it("solves a small MIP in a worker thread from the TypeScript sources", async () => {
    const outcome = await solveWithHighs({
      lp: LP,
      columns: ["x", "y"],
      start: new Map(),
      solverSeconds: 5,
      hardSeconds: 10,
      relativeGap: 0,
    });
    expect([outcome.status, outcome.objective, outcome.values?.get("y")]).toEqual(["optimal", 2, 2]);
  });

  it("starts from the given solution: stopped at once, HiGHS holds it as its incumbent", async () => {
    const problem = randomProblem({ seed: 1, workers: 4, models: 6, queries: 2000, maxExperts: 3 });
    const demand = stageDemand({ problem });
    const plan = lptPlan({ problem, demand });
    const planned = plannedMakespan({ problem, plan, demand });
    const { lp, columns } = buildIlpModel({ problem, demand });
    const start = planToColumns({ plan, expertSeconds: planned.expertSeconds, aggregatorSeconds: planned.aggregatorSeconds });
    const outcome = await solveWithHighs({ lp, columns, start, solverSeconds: 0.001, hardSeconds: 20, relativeGap: 0 });
    // Without the start, HiGHS has nothing better than about five times lpt's makespan by then.
    expect(outcome.objective).toBeLessThanOrEqual(planned.seconds + 1e-6);
  });

  it("reports a model HiGHS cannot read as failed, with its reason", async () => {
    const outcome = await solveWithHighs({
      lp: "Minimize\n obj: x +\nnonsense",
      columns: [],
      start: new Map(),
      solverSeconds: 5,
      hardSeconds: 10,
      relativeGap: 0,
    });
    expect(outcome.status).toBe("failed");
    expect(outcome.detail).toMatch(/^HiGHS failed: /);
  });

  it(
    "works from the compiled dist/ and leaves nothing running: the process ends by itself after a killed and a finished solve",
    { timeout: 60_000 },
    async () => {
      const url = (file: string) => JSON.stringify(pathToFileURL(path.join(dist, file)).href);
      const code = `
      const { ilpScheduler } = await import(${url("scheduling/schedulers/ilpScheduler.js")});
      const { normalizeWorkload } = await import(${url("scheduling/normalizeWorkload.js")});
      const queries = Array.from({ length: 30 }, (_, i) => ({ experts: ["a", "b", "c"].slice(0, 1 + (i % 3)) }));
      const problem = normalizeWorkload({ workload: {
        workers: [{ name: "w1" }, { name: "w2", speed: 2 }, { name: "w3" }],
        experts: ["a", "b", "c"].map((name, i) => ({ name, loadSeconds: 5 + i, service: { meanSeconds: 1 + i } })),
        aggregator: { expert: "a" },
        queries,
      } });
      const killed = await ilpScheduler.schedule({ problem, timeLimitSeconds: 0.02 });
      const finished = await ilpScheduler.schedule({ problem, timeLimitSeconds: 20 });
      console.log(JSON.stringify([killed.solve.status, killed.solve.gap === undefined, typeof finished.solve.gap]));
    `;
      const result = await runNode(code, 50_000);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(["time_limit", true, "number"]);
    },
  );
});
