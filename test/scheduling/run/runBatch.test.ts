import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { normalizeWorkload } from "../../../src/scheduling/normalizeWorkload.js";
import { meanRealisation } from "../../../src/scheduling/run/meanRealisation.js";
import { runBatch } from "../../../src/scheduling/run/runBatch.js";
import { rrScheduler } from "../../../src/scheduling/schedulers/rrScheduler.js";
import { simulateSchedule } from "../../../src/scheduling/simulateSchedule.js";
import type { SchedulingProblem } from "../../../src/scheduling/types.js";
import { startOllamaWorkerDouble, type OllamaWorkerDouble } from "../../doubles/ollamaWorkerDouble.js";

const LOAD_MS = 300;
const PREFILL_MS = 10;
const TOKENS: Record<string, number> = { "m-reason": 40, "m-fast": 10, "m-code": 15, "m-agg": 20 };

let workers: OllamaWorkerDouble[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  workers = [];
});

// Experts agree ("42") on prompts that say so; otherwise each names its own number and the aggregator runs.
function reply(model: string, prompt: string): string {
  if (model === "m-agg") return "Combined, the answer is 7.";
  if (prompt.includes("agree")) return "The answer is 42.";
  return `The answer is ${Object.keys(TOKENS).indexOf(model) + 1}.`;
}

// `slow` stretches every time so that the client's own work per call (graph steps, HTTP; tens of ms on a
// loaded machine) stays small next to the modelled times.
async function setUp({ slow = 1 } = {}): Promise<{ problem: SchedulingProblem; resultsFile: string }> {
  const perTokenMs = 10 * slow;
  const loadMs = LOAD_MS * slow;
  workers = await Promise.all(
    [0, 1].map(() =>
      startOllamaWorkerDouble({ maxResident: 1, loadMs, prefillMs: PREFILL_MS, perTokenMs, tokens: (m) => TOKENS[m] ?? 1, reply }),
    ),
  );
  const service = (model: string) => ({
    prefillSeconds: PREFILL_MS / 1000,
    secondsPerOutputToken: perTokenMs / 1000,
    outputTokens: TOKENS[model]!,
  });
  const expert = (name: string) => ({ name, model: name, loadSeconds: loadMs / 1000, service: service(name) });
  const problem = normalizeWorkload({
    workload: {
      workers: workers.map((w, i) => ({ name: `w${i}`, endpoint: { kind: "ollama" as const, baseUrl: w.url } })),
      experts: ["m-reason", "m-fast", "m-code", "m-agg"].map(expert),
      aggregator: { expert: "m-agg", gate: { extractor: { type: "number" as const }, threshold: 1 } },
      queries: [
        { id: "a", prompt: "agree on 6 x 7", experts: ["m-reason", "m-fast"], count: 3 },
        { id: "d", prompt: "differ on it", experts: ["m-fast", "m-code"], count: 3 },
        { id: "r", prompt: "think hard", experts: ["m-reason", "m-code"], count: 2 },
      ],
    },
  });
  return { problem, resultsFile: path.join(mkdtempSync(path.join(tmpdir(), "moa-batch-")), "results.jsonl") };
}

describe("runBatch", () => {
  it("sends each worker its calls in the schedule's order, leaving out the aggregators the gate skipped", async () => {
    const { problem, resultsFile } = await setUp();
    const schedule = await rrScheduler.schedule({ problem });
    const report = await runBatch({ problem, schedule, resultsFile });
    workers.forEach((worker, w) => {
      const planned = schedule.steps[w]!.flatMap((s) =>
        s.kind === "serve" && !(s.stage === "aggregator" && report.skipped[s.query])
          ? [`${problem.models[s.model]!.model} ${problem.queries[s.query]!.prompt}`]
          : [],
      );
      const served = worker.events.filter((e) => e.kind === "chat").map((e) => `${e.model} ${e.prompt}`);
      expect(served).toEqual(planned);
    });
  });

  it("skips the aggregator when the experts agree, and calls it when they differ", async () => {
    const { problem, resultsFile } = await setUp();
    const report = await runBatch({ problem, schedule: await rrScheduler.schedule({ problem }), resultsFile });
    expect(report.skipped).toEqual([true, true, true, false, false, false, false, false]);
  });

  it("loads each model as often as the simulator counts, and no more", async () => {
    const { problem, resultsFile } = await setUp();
    const schedule = await rrScheduler.schedule({ problem });
    const report = await runBatch({ problem, schedule, resultsFile });
    const simulated = simulateSchedule({ problem, schedule, realisation: meanRealisation({ problem, skipped: report.skipped }) });
    const loadsSeen = workers.reduce((n, w) => n + w.events.filter((e) => e.kind === "load").length, 0);
    expect([report.loads, loadsSeen]).toEqual([simulated.loads, simulated.loads]);
  });

  it("finishes within 10% of the simulator's makespan for the same schedule", async () => {
    const { problem, resultsFile } = await setUp({ slow: 4 });
    const schedule = await rrScheduler.schedule({ problem });
    const report = await runBatch({ problem, schedule, resultsFile });
    const simulated = simulateSchedule({ problem, schedule, realisation: meanRealisation({ problem, skipped: report.skipped }) });
    expect(Math.abs(report.measuredSeconds / simulated.makespanSeconds - 1)).toBeLessThan(0.1);
  }, 60_000);

  it("writes one JSONL line per query with the answer and the worker of each call", async () => {
    const { problem, resultsFile } = await setUp();
    await runBatch({ problem, schedule: await rrScheduler.schedule({ problem }), resultsFile });
    const lines = readFileSync(resultsFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; answer: string; calls: Array<{ model: string; worker: string; stage: string }> });
    expect(lines.map((l) => l.id).sort()).toEqual(problem.queries.map((q) => q.id).sort());
    const first = lines.find((l) => l.id === "d-1")!;
    expect(first.answer).toBe("Combined, the answer is 7.");
    expect(first.calls.map((c) => `${c.stage} ${c.model}@${c.worker}`).sort()).toEqual([
      "aggregator m-agg@w1",
      "expert m-code@w0",
      "expert m-fast@w1",
    ]);
  });

  it("does not call the models again for queries already answered in the results file", async () => {
    const { problem, resultsFile } = await setUp();
    const schedule = await rrScheduler.schedule({ problem });
    await runBatch({ problem, schedule, resultsFile });
    const kept = readFileSync(resultsFile, "utf8")
      .trim()
      .split("\n")
      .filter((l) => !l.includes('"id":"r-'))
      .join("\n");
    writeFileSync(resultsFile, `${kept}\n`);
    const chatsBefore = workers.map((w) => w.events.filter((e) => e.kind === "chat").length);
    const report = await runBatch({ problem, schedule, resultsFile });
    const prompts = workers.flatMap((w, i) =>
      w.events
        .filter((e) => e.kind === "chat")
        .slice(chatsBefore[i])
        .map((e) => e.prompt),
    );
    expect([report.resumed, report.answered]).toEqual([6, 2]);
    expect(new Set(prompts)).toEqual(new Set(["think hard"]));
  });

  it("pins models with keep_alive on every call while the batch runs", async () => {
    const { problem, resultsFile } = await setUp();
    await runBatch({ problem, schedule: await rrScheduler.schedule({ problem }), resultsFile });
    const chats = workers.flatMap((w) => w.events.filter((e) => e.kind === "chat"));
    expect(new Set(chats.map((e) => e.keepAlive))).toEqual(new Set([-1]));
  });

  it("gives the models still resident Ollama's default expiry back at the end", async () => {
    const { problem, resultsFile } = await setUp();
    await runBatch({ problem, schedule: await rrScheduler.schedule({ problem }), resultsFile });
    for (const worker of workers) {
      const last = worker.events.filter((e) => e.kind === "keep-alive").at(-1)!;
      expect([last.model, last.keepAlive]).toEqual([worker.resident[0], "5m"]);
    }
  });

  it("times a call from its turn on the worker, not from when the graph asked", async () => {
    const { problem, resultsFile } = await setUp();
    // Every call waits seconds for its turn, but none takes 1 s once it runs.
    const report = await runBatch({ problem, schedule: await rrScheduler.schedule({ problem }), resultsFile, callTimeoutMs: 1000 });
    expect([report.answered, report.failed]).toEqual([8, 0]);
  });

  it("fails a call that runs longer than the call timeout, saying which model and worker", async () => {
    const { problem, resultsFile } = await setUp();
    await runBatch({ problem, schedule: await rrScheduler.schedule({ problem }), resultsFile, callTimeoutMs: 200 });
    // m-reason takes 410 ms a call; the query goes on with its other expert (one answer is enough).
    expect(readFileSync(resultsFile, "utf8")).toContain("m-reason on w0 did not answer within 0.2 s");
  });

  it("refuses a schedule that leaves out a step before calling any model", async () => {
    const { problem, resultsFile } = await setUp();
    const schedule = await rrScheduler.schedule({ problem });
    const broken = { ...schedule, steps: schedule.steps.map((steps, w) => (w === 0 ? steps.slice(0, -1) : steps)) };
    await expect(runBatch({ problem, schedule: broken, resultsFile })).rejects.toMatchObject({ code: "invalid_schedule" });
    expect(workers.flatMap((w) => w.events)).toEqual([]);
  });

  it("stops the whole batch when a worker cannot load, and settles", async () => {
    const { problem, resultsFile } = await setUp();
    await workers[1]!.close();
    const schedule = await rrScheduler.schedule({ problem });
    await expect(runBatch({ problem, schedule, resultsFile })).rejects.toMatchObject({ code: "worker_unreachable" });
  }, 30_000);

  it("loads nothing and calls nothing when every query is already answered", async () => {
    const { problem, resultsFile } = await setUp();
    const schedule = await rrScheduler.schedule({ problem });
    await runBatch({ problem, schedule, resultsFile });
    const seen = workers.map((w) => w.events.length);
    const report = await runBatch({ problem, schedule, resultsFile });
    expect([report.resumed, report.loads]).toEqual([8, 0]);
    // Only the end-of-batch expiry requests (keep-alive "5m") may reach the workers.
    expect(workers.flatMap((w, i) => w.events.slice(seen[i]).filter((e) => e.kind !== "keep-alive"))).toEqual([]);
  });
});
