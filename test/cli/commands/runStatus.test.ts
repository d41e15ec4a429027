import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { runCli } from "../../helpers/runCli.js";

let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-status-"));
const ANSWER = "Both said 42, so the answer is 42.";
const file = (name: string, lines: string[]) => {
  const target = path.join(dir, name);
  writeFileSync(target, `${lines.join("\n")}\n`);
  return target;
};
let moa: string;
let quorum: string;
let mosaic: string;
let stage: string;

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: "The answer is 42.", latencyMs: 150 },
      "llama3.2:1b": { reply: "I think it is 42.", latencyMs: 300 },
      "gemma2:2b": { reply: "Clearly 41.", latencyMs: 450 },
      "broken:1b": { failure: "http500" },
      // Never answers before the quorum has gone on without it.
      "slow:1b": { reply: "too late", latencyMs: 60_000 },
      "qwen2.5:3b": { reply: ANSWER, latencyMs: 100, chunkSize: 8 },
    },
  });
  moa = file("moa.yaml", [
    "defaults: { retries: 0 }",
    "layers:",
    "  - agents: [ollama:qwen2.5:1.5b, ollama:llama3.2:1b, ollama:broken:1b]",
    "aggregator: ollama:qwen2.5:3b",
  ]);
  quorum = file("quorum.yaml", [
    "defaults: { retries: 0 }",
    "layers:",
    "  - agents: [ollama:qwen2.5:1.5b, ollama:llama3.2:1b, ollama:slow:1b]",
    "    quorum: { min: 2 }",
    "aggregator: ollama:qwen2.5:3b",
  ]);
  mosaic = file("mosaic.yaml", [
    "topology: mosaic",
    "defaults: { retries: 0 }",
    "experts: [ollama:qwen2.5:1.5b, ollama:llama3.2:1b, ollama:gemma2:2b]",
    "gate: { extractor: { type: number }, threshold: 0.6 }",
    "aggregator: ollama:qwen2.5:3b",
  ]);
  stage = file("stage.yaml", [
    "topology: mosaic",
    "defaults: { retries: 0 }",
    "experts:",
    "  - name: panel",
    "    stage: { layers: [{ agents: [ollama:qwen2.5:1.5b, ollama:llama3.2:1b] }], aggregator: ollama:qwen2.5:3b }",
    "  - ollama:gemma2:2b",
    "gate: { extractor: { type: number }, threshold: 1 }",
    "aggregator: ollama:qwen2.5:3b",
  ]);
});
afterAll(() => ollama.close());

const env = () => ({ OLLAMA_HOST: ollama.url });
const question = "What is 6 times 7?";
const statusLines = (stderr: string) => stderr.split("\n").filter((line) => /^\[\d+\.\d s\] /.test(line));

describe("the run status in a log (stderr not a terminal)", () => {
  it("writes one line per agent started and one per agent ended, with latency, tokens or the reason", async () => {
    const result = await runCli(["run", question, "--config", moa, "--no-persist"], { env: env() });
    expect(result.code).toBe(0);
    const lines = statusLines(result.stderr);
    for (const agent of ["qwen2.5-1.5b", "llama3.2-1b", "broken-1b"])
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\[[\\d.]+ s\\] layer 1 · ${agent} \\(ollama:[^)]+\\) started$`)));
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[[\d.]+ s\] layer 1 · qwen2\.5-1\.5b answered in [\d.]+ s \(\d+ in \+ \d+ out tokens\)$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^\[[\d.]+ s\] layer 1 · broken-1b failed after [\d.]+ s: HTTP 500/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[[\d.]+ s\] layer 2 · aggregator answered in /));
    expect(lines).toHaveLength(8);
  });

  it("names the agents still running as cancelled on Ctrl-C", async () => {
    const result = await runCli(["run", question, "--config", quorum, "--no-persist"], {
      env: env(),
      onSpawn: (child) => {
        let seen = "";
        child.stderr?.on("data", (text: Buffer) => {
          seen += text.toString();
          if (seen.includes("slow-1b (ollama:slow:1b) started") && !child.killed) child.kill("SIGINT");
        });
      },
    });
    expect(result.code).toBe(130);
    expect(statusLines(result.stderr)).toContainEqual(expect.stringMatching(/^\[[\d.]+ s\] layer 1 · slow-1b cancelled$/));
  });

  it("keeps stdout to the answer", async () => {
    const result = await runCli(["run", question, "--config", moa, "--no-persist"], { env: env() });
    expect(result.stdout).toBe(`${ANSWER}\n`);
  });

  it("prints no status with --quiet", async () => {
    const result = await runCli(["run", question, "--config", moa, "--no-persist", "--quiet"], { env: env() });
    expect(result.code).toBe(0);
    expect(statusLines(result.stderr)).toEqual([]);
    expect(result.stderr).toMatch(/4 calls, 1 failed/);
  });

  it("is shown by moa resume too, and not with --quiet", async () => {
    const strict = file("strict.yaml", [
      "defaults: { retries: 0 }",
      "layers:",
      "  - agents: [ollama:qwen2.5:1.5b, ollama:broken:1b]",
      "    minSuccessful: 2",
      "aggregator: ollama:qwen2.5:3b",
    ]);
    const db = path.join(dir, "resume-status.sqlite");
    expect((await runCli(["run", question, "--config", strict, "--db", db, "--thread", "r1", "--quiet"], { env: env() })).code).toBe(1);

    const resumed = await runCli(["resume", "r1", "--db", db], { env: env() });
    const quiet = await runCli(["resume", "r1", "--db", db, "--quiet"], { env: env() });

    expect(statusLines(resumed.stderr)).toContainEqual(
      expect.stringMatching(/^\[[\d.]+ s\] layer 1 · broken-1b \(ollama:broken:1b\) started$/),
    );
    expect(statusLines(quiet.stderr)).toEqual([]);
    expect(quiet.stderr).toContain("broken-1b");
  });

  it("keeps stdout one JSON document with --json, the status going to stderr", async () => {
    const result = await runCli(["run", question, "--config", moa, "--no-persist", "--json"], { env: env() });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { answer: string }).answer).toBe(ANSWER);
    expect(statusLines(result.stderr)).toHaveLength(8);
  });
});

describe("quorum stragglers", () => {
  it("are logged as late (cancelled), not as failed", async () => {
    const result = await runCli(["run", question, "--config", quorum, "--no-persist"], { env: env() });
    expect(result.code).toBe(0);
    expect(statusLines(result.stderr)).toContainEqual(
      expect.stringMatching(/^\[[\d.]+ s\] layer 1 · slow-1b late \(cancelled\) after 2 of 3 agents answered \(quorum 2\)$/),
    );
    expect(result.stderr).not.toMatch(/slow-1b failed/);
  });

  it("read late (cancelled) in the summary, which counts them apart from failures", async () => {
    const result = await runCli(["run", question, "--config", quorum, "--no-persist", "--quiet"], { env: env() });
    expect(result.stderr).toMatch(/│ slow-1b +│ proposer │ ollama:slow:1b +│ +[\d.]+ s │ +- │ +- │ late \(cancelled\) │/);
    expect(result.stderr).toContain("4 calls, 0 failed, 1 late (cancelled),");
  });

  it("are counted as late, not failed, in --json", async () => {
    const result = await runCli(["run", question, "--config", quorum, "--no-persist", "--json", "--quiet"], { env: env() });
    const doc = JSON.parse(result.stdout) as {
      totals: { failed: number; late: number };
      answers: Array<{ agent: string; late?: boolean }>;
    };
    expect(doc.totals).toMatchObject({ failed: 0, late: 1 });
    expect(doc.answers.find((a) => a.agent === "slow-1b")?.late).toBe(true);
  });

  it("read late (cancelled) with --show-layers", async () => {
    const result = await runCli(["run", question, "--config", quorum, "--no-persist", "--show-layers", "--quiet"], { env: env() });
    expect(result.stdout).toMatch(
      /── layer 1 · slow-1b · proposer \(ollama:slow:1b\) · [\d.]+ s\n\[late \(cancelled\) after 2 of 3 agents answered \(quorum 2\)\]/,
    );
  });
});

describe("--show-layers with a MOSAIC gate and stages", () => {
  it("heads the gate's pick as the answer, after the gate's decision", async () => {
    const result = await runCli(["run", question, "--config", mosaic, "--no-persist", "--show-layers", "--quiet"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /── gate · number: C = 0\.67 vs T = 0\.60 -> aggregator skipped, answer of qwen2\.5-1\.5b\n.*\n\n── answer \(gate\)\nThe answer is 42\.\n$/,
    );
  });

  it("titles a stage's calls after the stage, apart from the outer topology's", async () => {
    const result = await runCli(["run", question, "--config", stage, "--no-persist", "--show-layers", "--quiet"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/── layer 1 · panel › layer 1 · qwen2\.5-1\.5b · proposer \(ollama:qwen2\.5:1\.5b\)/);
    expect(result.stdout).toMatch(/── layer 1 · panel › layer 2 · aggregator · final \(ollama:qwen2\.5:3b\)/);
    expect(result.stdout).toMatch(/── layer 1 · panel · expert \(stage panel\)/);
    expect(result.stdout).toMatch(/── answer \(aggregator\)\n/);
  });

  it("puts a stage's calls under the stage's row in the summary, numbered within it", async () => {
    const result = await runCli(["run", question, "--config", stage, "--no-persist", "--quiet"], { env: env() });
    const rows = result.stderr
      .split("\n")
      .filter((line) => line.startsWith("│") && !line.includes("layer │"))
      .map((line) =>
        line
          .split("│")
          .slice(1, 4)
          .map((cell) => cell.trim())
          .join(" "),
      );
    expect(rows).toEqual([
      "1 panel expert",
      "1.1 └ qwen2.5-1.5b proposer",
      "1.1 └ llama3.2-1b proposer",
      "1.2 └ aggregator final",
      "1 gemma2-2b expert",
      "2 aggregator final",
    ]);
  });

  it("logs a stage's calls under the stage's name", async () => {
    const result = await runCli(["run", question, "--config", stage, "--no-persist"], { env: env() });
    const lines = statusLines(result.stderr);
    expect(lines).toContainEqual(expect.stringMatching(/^\[[\d.]+ s\] layer 1 · panel \(stage panel\) started$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[[\d.]+ s\] layer 1 · panel › layer 2 · aggregator answered in /));
  });
});
