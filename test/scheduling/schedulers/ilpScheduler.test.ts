import { describe, expect, it } from "vitest";
import { isMoAError } from "../../../src/errors/MoAError.js";
import { plannedMakespan } from "../../../src/scheduling/plannedMakespan.js";
import { createIlpScheduler, ilpScheduler } from "../../../src/scheduling/schedulers/ilpScheduler.js";
import { lptPlan, lptScheduler } from "../../../src/scheduling/schedulers/lptScheduler.js";
import type { MipSolver } from "../../../src/scheduling/schedulers/solveWithHighs.js";
import { bruteForceOptimum } from "../helpers/bruteForceOptimum.js";
import { checkSchedule } from "../helpers/checkSchedule.js";
import { randomProblem } from "../helpers/randomProblem.js";

const exact = createIlpScheduler({ relativeGap: 0 });

describe("ilpScheduler", () => {
  it.each([
    { seed: 11, workers: 2, models: 4, queries: 8 },
    { seed: 12, workers: 3, models: 3, queries: 8 },
    { seed: 13, workers: 3, models: 4, queries: 6 },
    { seed: 14, workers: 2, models: 3, queries: 12 },
    { seed: 15, workers: 3, models: 3, queries: 7, memory: true },
  ])("finds the brute-force optimum of its model (seed $seed)", { timeout: 60_000 }, async ({ seed, workers, models, queries, memory }) => {
    const problem = randomProblem({ seed, workers, models, queries, maxExperts: 2, memory: memory ?? false });
    const optimum = bruteForceOptimum({ problem });
    // HiGHS (WebAssembly) takes seconds to prove these tiny models optimal; the limit only guards a hang.
    const schedule = await exact.schedule({ problem, timeLimitSeconds: 45 });
    expect(schedule.solve?.status).toBe("optimal");
    expect(Math.abs(schedule.solve!.objectiveSeconds! - optimum) / optimum).toBeLessThan(1e-6);
  });

  it("is never planned slower than lpt", async () => {
    const problem = randomProblem({ seed: 21, workers: 3, models: 4, queries: 30 });
    const schedule = await exact.schedule({ problem, timeLimitSeconds: 20 });
    const lpt = plannedMakespan({ problem, plan: lptPlan({ problem }) }).seconds;
    expect(schedule.solve!.objectiveSeconds!).toBeLessThanOrEqual(lpt + 1e-9);
  });

  it.each([1, 2, 3, 4, 5, 6])("returns a valid schedule on random instance %i", async (seed) => {
    const problem = randomProblem({
      seed,
      workers: 2 + (seed % 3),
      models: 3 + (seed % 3),
      queries: 60,
      maxExperts: 3,
      memory: seed % 2 === 1,
    });
    const schedule = await ilpScheduler.schedule({ problem, timeLimitSeconds: 5 });
    expect(schedule.scheduler).toBe("ilp");
    expect(checkSchedule({ problem, schedule })).toEqual([]);
  });

  it("falls back to the lpt schedule with a note when the hard limit passes before HiGHS answers", async () => {
    const problem = randomProblem({ seed: 31, workers: 4, models: 6, queries: 500, maxExperts: 3 });
    const schedule = await ilpScheduler.schedule({ problem, timeLimitSeconds: 0.05 });
    const lpt = await lptScheduler.schedule({ problem });
    expect(schedule.note).toMatch(/^HiGHS stopped at the 0.05 s limit without a solution; using the lpt schedule/);
    expect(schedule.steps).toEqual(lpt.steps);
  });

  it("falls back to the lpt schedule with the solver's reason when the solver fails", async () => {
    const failing: MipSolver = async () => ({
      status: "failed",
      values: undefined,
      objective: undefined,
      gap: undefined,
      detail: "HiGHS failed: out of memory",
    });
    const problem = randomProblem({ seed: 32, workers: 2, models: 3, queries: 20 });
    const schedule = await createIlpScheduler({ solve: failing }).schedule({ problem });
    expect(schedule.note).toMatch(/^HiGHS failed: out of memory; using the lpt schedule/);
    expect(schedule.solve?.status).toBe("failed");
  });

  it("hands HiGHS the lpt plan as a start, within the time limit", async () => {
    let seen: Parameters<MipSolver>[0] | undefined;
    const spy: MipSolver = async (request) => (
      (seen = request),
      { status: "failed", values: undefined, objective: undefined, gap: undefined }
    );
    const problem = randomProblem({ seed: 33, workers: 2, models: 3, queries: 20 });
    await createIlpScheduler({ solve: spy }).schedule({ problem, timeLimitSeconds: 4 });
    expect(seen!.start.get("E")).toBe(plannedMakespan({ problem, plan: lptPlan({ problem }) }).expertSeconds);
    expect(seen!.solverSeconds).toBeLessThan(4);
    expect(seen!.hardSeconds).toBeLessThanOrEqual(4);
  });

  it("uses HiGHS's incumbent and reports its gap when its own time limit stops it", async () => {
    // Large enough that HiGHS cannot prove optimality in its share of 2 s, even on a fast, idle machine.
    const problem = randomProblem({ seed: 1, workers: 8, models: 12, queries: 2000, maxExperts: 3 });
    const schedule = await ilpScheduler.schedule({ problem, timeLimitSeconds: 2 });
    expect(schedule.solve?.status).toBe("time_limit");
    expect(schedule.solve?.gap).toBeGreaterThan(0);
  }, 30_000);

  it("stops the solve when the signal aborts, with the package's interruption error", async () => {
    const problem = randomProblem({ seed: 1, workers: 4, models: 6, queries: 2000, maxExperts: 3 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error: unknown = await ilpScheduler
      .schedule({ problem, timeLimitSeconds: 20, signal: controller.signal })
      .catch((e: unknown) => e);
    // Without the abort the solve would run its 20 s; the test's own timeout catches an abort that is ignored.
    expect(isMoAError(error) && error.code).toBe("interrupted");
  }, 15_000);
});
