import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/runCli.js";
import { startOllamaWorkerDouble, type OllamaWorkerDouble } from "../../doubles/ollamaWorkerDouble.js";

let workers: OllamaWorkerDouble[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  workers = [];
});

function reply(model: string, prompt: string): string {
  if (model === "agg") return "All told: 7.";
  return prompt.includes("agree") ? "It is 42." : `It is ${model.length}.`;
}

async function setUp({ perTokenMs = 2 } = {}): Promise<{ dir: string; workload: string; out: string }> {
  workers = await Promise.all([0, 1].map(() => startOllamaWorkerDouble({ loadMs: 50, prefillMs: 5, perTokenMs, tokens: () => 10, reply })));
  const dir = mkdtempSync(path.join(tmpdir(), "moa-batch-cli-"));
  const workload = path.join(dir, "workload.yaml");
  writeFileSync(
    workload,
    [
      "workers:",
      ...workers.map((w, i) => `  - { name: w${i}, endpoint: { kind: ollama, baseUrl: "${w.url}" } }`),
      "experts:",
      ...["fast", "slower", "agg"].map(
        (name) => `  - { name: ${name}, loadSeconds: 0.05, service: { meanSeconds: ${(5 + 10 * perTokenMs) / 1000} } }`,
      ),
      "aggregator: { expert: agg, gate: { extractor: { type: number }, threshold: 1 } }",
      "queries:",
      '  - { id: same, prompt: "agree please", experts: [fast, slower], count: 4 }',
      '  - { id: diff, prompt: "argue", experts: [fast, slower], count: 4 }',
    ].join("\n"),
  );
  return { dir, workload, out: path.join(dir, "results.jsonl") };
}

// Sends the batch a signal once `lines` queries are in its results file.
function signalOnceSaved({ child, out, lines, signal }: { child: ChildProcess; out: string; lines: number; signal: NodeJS.Signals }): void {
  const poll = setInterval(() => {
    if (existsSync(out) && readFileSync(out, "utf8").trim().split("\n").length >= lines) {
      clearInterval(poll);
      child.kill(signal);
    }
  }, 20);
  child.on("exit", () => clearInterval(poll));
}

const idsIn = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as { id: string }).id);

describe("moa batch", () => {
  it("answers every query, saves the schedule, and compares the makespan with the simulator's", async () => {
    const { workload, out } = await setUp();
    const { code, stdout, stderr } = await runCli(["batch", "--workload", workload, "--out", out, "--scheduler", "lpt"]);
    expect({ code, stderr: stderr.includes("Error") ? stderr : "" }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("8 answered, 0 failed; aggregator skipped for 4");
    expect(stdout).toMatch(/makespan: .+ measured, simulated .+ \(measured \/ simulated = \d+\.\d\d\)/);
    expect(idsIn(out).sort()).toEqual(["diff-1", "diff-2", "diff-3", "diff-4", "same-1", "same-2", "same-3", "same-4"]);
    expect(existsSync(`${out}.schedule.json`)).toBe(true);
  });

  it("prints the summary as JSON with --json", async () => {
    const { workload, out } = await setUp();
    const { code, stdout } = await runCli(["batch", "--workload", workload, "--out", out, "-s", "rr", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ scheduler: "rr", queries: 8, answered: 8, failed: 0, resumed: 0, skippedAggregators: 4 });
  });

  it("resumes a killed batch without asking the models again for finished queries", async () => {
    const { workload, out } = await setUp({ perTokenMs: 40 });
    await runCli(["batch", "--workload", workload, "--out", out, "-s", "lpt", "--quiet"], {
      timeoutMs: 60_000,
      onSpawn: (child) => signalOnceSaved({ child, out, lines: 2, signal: "SIGKILL" }),
    });
    const before = idsIn(out);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(8);
    const chatsBefore = workers.map((w) => w.events.filter((e) => e.kind === "chat").length);
    const { code, stdout } = await runCli(["batch", "--workload", workload, "--out", out, "-s", "lpt", "--json"], { timeoutMs: 60_000 });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ resumed: before.length, answered: 8 - before.length });
    const after = idsIn(out);
    expect(new Set(after).size).toBe(after.length);
    expect(after.length).toBe(8);
    const chatsAgain = workers.reduce((n, w, i) => n + w.events.filter((e) => e.kind === "chat").length - chatsBefore[i]!, 0);
    const expertCalls = 2 * (8 - before.length);
    expect(chatsAgain).toBeGreaterThanOrEqual(expertCalls);
    expect(chatsAgain).toBeLessThanOrEqual(expertCalls + 4);
  }, 120_000);

  it("refuses a worker without an endpoint, naming the field", async () => {
    const { workload, out } = await setUp();
    writeFileSync(workload, readFileSync(workload, "utf8").replace(/- \{ name: w1, endpoint: \{[^}]*\} \}/, "- { name: w1 }"));
    const { code, stderr } = await runCli(["batch", "--workload", workload, "--out", out]);
    expect(code).toBe(2);
    expect(stderr).toContain("workers[1].endpoint: moa batch calls every worker: give w1 its server (kind and baseUrl)");
  });

  it("refuses queries without a prompt", async () => {
    const { workload, out } = await setUp();
    writeFileSync(workload, readFileSync(workload, "utf8").replace('prompt: "argue", ', ""));
    const { code, stderr } = await runCli(["batch", "--workload", workload, "--out", out]);
    expect(code).toBe(2);
    expect(stderr).toContain("queries (diff-1): no prompt; moa batch asks each query's prompt");
  });

  it("stops on Ctrl-C with exit 130, saying how many answers are saved and how to go on", async () => {
    const { workload, out } = await setUp({ perTokenMs: 40 });
    const { code, stderr } = await runCli(["batch", "--workload", workload, "--out", out, "-s", "lpt", "--quiet"], {
      timeoutMs: 60_000,
      onSpawn: (child) => signalOnceSaved({ child, out, lines: 1, signal: "SIGINT" }),
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted; \d+ answered queries are saved in .*results\.jsonl/);
    expect(stderr).toContain("run the same command again to go on from there");
  }, 90_000);

  it("refuses a saved schedule that was edited into one that cannot run, naming the file", async () => {
    const { workload, out } = await setUp();
    await runCli(["batch", "--workload", workload, "--out", out, "-s", "rr"]);
    const saved = JSON.parse(readFileSync(`${out}.schedule.json`, "utf8")) as { schedule: { steps: unknown[][] } };
    saved.schedule.steps[0]!.pop();
    writeFileSync(`${out}.schedule.json`, JSON.stringify(saved));
    const { code, stderr } = await runCli(["batch", "--workload", workload, "--out", out, "-s", "rr"]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `invalid configuration in ${out}.schedule.json: invalid rr schedule: query diff-4: aggregator agg scheduled 0 times, expected once;`,
    );
    expect(stderr).toContain("delete it to schedule the batch again");
  });

  it("limits each call with --call-timeout, counted from its turn on the worker", async () => {
    const { workload, out } = await setUp({ perTokenMs: 20 });
    const { code } = await runCli(["batch", "--workload", workload, "--out", out, "-s", "lpt", "--call-timeout", "0.05", "--quiet"]);
    expect(code).toBe(1);
    expect(readFileSync(out, "utf8")).toMatch(/(fast|slower) on w\d did not answer within 0\.05 s/);
  });
});
