import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/runCli.js";

const example = "examples/workload.yaml";

function workloadFile(text: string, name = "workload.yaml"): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "moa-workload-")), name);
  writeFileSync(file, text);
  return file;
}

describe("moa schedule", () => {
  it("prints one row per scheduler, the lower bound, and the batch's shape", async () => {
    const { code, stdout } = await runCli(["schedule", "--workload", example, "--scheduler", "rr"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^examples\/workload\.yaml: 2000 queries, 7 models, 4 workers; seed 1$/m);
    expect(stdout).toMatch(/│ rr +│ +\d+h \d\dm │/);
    expect(stdout).toMatch(/^lower bound: \d+h \d\dm \(all work spread evenly over the workers\)$/m);
  });

  it("keeps the table within 100 columns", async () => {
    const { stdout } = await runCli(["schedule", "--workload", example]);
    expect(Math.max(...stdout.split("\n").map((line) => [...line].length))).toBeLessThanOrEqual(100);
  });

  it("prints one JSON object with every scheduler's makespan, stages, loads and solve time", async () => {
    const { code, stdout } = await runCli(["schedule", "--workload", example, "--json"]);
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as { lowerBoundSeconds: number; schedulers: Record<string, Record<string, number>> };
    expect(Object.keys(document.schedulers)).toContain("rr");
    for (const summary of Object.values(document.schedulers)) {
      expect(Object.keys(summary)).toEqual(
        expect.arrayContaining(["makespanSeconds", "expertStageSeconds", "aggregatorStageSeconds", "loads", "solveSeconds"]),
      );
      expect(summary.makespanSeconds).toBeGreaterThanOrEqual(document.lowerBoundSeconds * 0.95);
    }
  });

  it("gives the same makespans for the same seed and others for another seed", async () => {
    const run = async (seed: string) =>
      (
        JSON.parse((await runCli(["schedule", "--workload", example, "-s", "dp", "--json", "--seed", seed])).stdout) as {
          schedulers: { dp: { makespanSeconds: number } };
        }
      ).schedulers.dp.makespanSeconds;
    const [a, b, c] = await Promise.all([run("3"), run("3"), run("4")]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("routes the queries that do not list their experts with the workload's router, and says how", async () => {
    const file = workloadFile(
      [
        "workers: [{ name: w1 }, { name: w2 }]",
        "experts:",
        "  - { name: a, loadSeconds: 3, service: { meanSeconds: 1 } }",
        "  - { name: b, loadSeconds: 3, service: { meanSeconds: 2 } }",
        "routing:",
        "  router: { type: rules, rules: [{ category: math, keywords: [sum] }] }",
        "  categories: { math: [a, b], general: [a] }",
        "  fallback: general",
        "queries:",
        '  - { prompt: "a sum", count: 3 }',
        '  - { prompt: "hello" }',
      ].join("\n"),
    );
    const { code, stdout } = await runCli(["schedule", "--workload", file, "-s", "lpt"]);
    expect(code).toBe(0);
    expect(stdout).toContain("routed 4 queries: math 3, general 1 (1 by fallback)");
  });

  it("reports every problem of a bad workload with its field path, exit 2", async () => {
    const file = workloadFile(
      [
        "workers: [{ name: w1, capacity: 0 }]",
        "experts: [{ name: a, loadSeconds: 3, service: { meanSeconds: 1 } }]",
        "queries: [{ experts: [a, b] }]",
      ].join("\n"),
    );
    const { code, stderr } = await runCli(["schedule", "--workload", file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`invalid configuration in ${file}:`);
    expect(stderr).toContain("workers[0].capacity:");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("reports a cross-reference problem (an unknown expert) with its field path, exit 2", async () => {
    const file = workloadFile(
      [
        "workers: [{ name: w1 }]",
        "experts: [{ name: a, loadSeconds: 3, service: { meanSeconds: 1 } }]",
        "queries: [{ experts: [a, b] }]",
      ].join("\n"),
    );
    const { code, stderr } = await runCli(["schedule", "--workload", file]);
    expect(code).toBe(2);
    expect(stderr).toContain('queries[0].experts[1]: unknown expert "b"; add it to experts, or use one of "a"');
  });

  it("says what a workload file must hold when it holds something else", async () => {
    const { code, stderr } = await runCli(["schedule", "--workload", workloadFile("[1, 2]")]);
    expect(code).toBe(2);
    expect(stderr).toContain('expected a mapping with "workers", "experts" and "queries" at the top level, got a list');
  });

  it("names a missing workload file", async () => {
    const { code, stderr } = await runCli(["schedule", "--workload", "nope.yaml"]);
    expect(code).toBe(2);
    expect(stderr).toContain("workload file nope.yaml: file not found");
  });

  it("refuses an unknown scheduler, listing the known ones", async () => {
    const { code, stderr } = await runCli(["schedule", "--workload", example, "--scheduler", "fifo"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--scheduler.*fifo.*rr, dp/s);
  });

  it("refuses a time limit that is not a positive number of seconds", async () => {
    const { code, stderr } = await runCli(["schedule", "--workload", example, "--time-limit", "0"]);
    expect(code).toBe(2);
    expect(stderr).toContain('--time-limit: expected a number of seconds above 0 and at most 3600, got "0"');
  });

  it("prints --json failures as a JSON error document on stdout", async () => {
    const { code, stdout } = await runCli(["schedule", "--workload", "nope.yaml", "--json"]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: "invalid_config" } });
  });
});
