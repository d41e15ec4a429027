import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { normalizeWorkload } from "../../../src/scheduling/normalizeWorkload.js";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { startOpenAIDouble, type OpenAIDouble } from "../../doubles/openaiDouble.js";
import { unusedPort } from "../../helpers/ports.js";
import { runCli } from "../../helpers/runCli.js";

let ollama: OllamaDouble;
let openai: OpenAIDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-profile-"));
const file = (name: string, text: string): string => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
let workloadFile: string;

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:7b": { timings: { loadNs: 4e9, promptEvalNs: 3e8, evalNs: 2e9 }, evalTokens: 100 },
      // An answer that tries to retitle the terminal: it must never reach stdout.
      "llama3.2": { timings: { loadNs: 1.5e9, promptEvalNs: 1e8, evalNs: 1.2e9 }, evalTokens: 80, reply: "\u001b]0;pwned\u0007hi" },
    },
  });
  openai = await startOpenAIDouble({
    models: { "qwen2.5:7b": { reply: "abcd".repeat(10), completionTokens: 10, firstCallLatencyMs: 300 } },
  });
  workloadFile = file(
    "workload.yaml",
    YAML.stringify({
      workers: [
        { name: "laptop" },
        { name: "gpu-1", endpoint: { kind: "ollama", baseUrl: ollama.url } },
        { name: "gpu-2", endpoint: { kind: "openai", baseUrl: openai.url } },
      ],
      experts: [
        { name: "qwen", model: "qwen2.5:7b", loadSeconds: 10, service: { meanSeconds: 3 } },
        { name: "llama3.2", loadSeconds: { laptop: 30, "gpu-1": 8, "gpu-2": 8 }, service: { meanSeconds: 3 } },
      ],
      queries: [{ prompt: "Why is the sky blue?", experts: ["qwen", "llama3.2"] }],
    }),
  );
});

afterAll(async () => {
  await ollama.close();
  await openai.close();
});

describe("moa profile", () => {
  it("prints a table of every expert measured on the first worker with an endpoint", async () => {
    const { code, stdout } = await runCli(["profile", "--workload", workloadFile]);
    expect([code, stdout.split("\n").slice(1, 4)]).toEqual([
      0,
      [
        "expert    model       load s  prefill s  s/token  tokens",
        "qwen      qwen2.5:7b       4        0.3     0.02   100±0",
        "llama3.2  llama3.2       1.5        0.1    0.015    80±0",
      ],
    ]);
  });

  it("says on stderr that an expert without model is profiled under its name", async () => {
    const { stderr } = await runCli(["profile", "--workload", workloadFile]);
    expect(stderr).toContain('note: experts[1].model is not set: profiling "llama3.2", the expert\'s name, as the model');
  });

  it("prints one JSON document with --json, measurements apart from the experts", async () => {
    const { code, stdout } = await runCli(["profile", "-w", workloadFile, "--json", "--expert", "qwen", "--runs", "2"]);
    expect([code, JSON.parse(stdout)]).toMatchObject([
      0,
      {
        worker: "gpu-1",
        experts: [{ name: "qwen", model: "qwen2.5:7b", loadSeconds: 4, service: { prefillSeconds: 0.3, secondsPerOutputToken: 0.02 } }],
        measurements: [{ expert: "qwen", calls: 2, loadEstimated: false }],
      },
    ]);
  });

  it("writes a valid copy of the workload with --out", async () => {
    const out = path.join(dir, "profiled.yaml");
    const { code } = await runCli(["profile", "-w", workloadFile, "--out", out]);
    const written = YAML.parse(readFileSync(out, "utf8")) as { experts: Array<{ loadSeconds: unknown }> };
    normalizeWorkload({ workload: written });
    expect([code, written.experts.map((e) => e.loadSeconds)]).toEqual([
      0,
      [
        { laptop: 10, "gpu-1": 4, "gpu-2": 10 },
        { laptop: 30, "gpu-1": 1.5, "gpu-2": 8 },
      ],
    ]);
  });

  it("keeps the comments of a YAML workload in the --out copy", async () => {
    const commented = file("commented.yaml", `# the lab cluster\n${readFileSync(workloadFile, "utf8")}`);
    const out = path.join(dir, "commented-out.yaml");
    await runCli(["profile", "-w", commented, "--expert", "qwen", "--out", out]);
    expect(readFileSync(out, "utf8")).toMatch(/^# the lab cluster\n/);
  });

  it("measures on an OpenAI-compatible worker, saying the load time is an estimate", async () => {
    const { code, stdout } = await runCli([
      "profile",
      "-w",
      workloadFile,
      "--worker",
      "gpu-2",
      "--expert",
      "qwen",
      "--prompts",
      file("p.txt", "one\ntwo\nthree\n"),
    ]);
    expect([code, stdout]).toEqual([0, expect.stringMatching(/load s is an estimate/)]);
  });

  it("never writes model text to the terminal", async () => {
    const { stdout, stderr } = await runCli(["profile", "-w", workloadFile]);
    expect(stdout + stderr).not.toContain("\u001b");
  });

  it("exits 2 naming the field when the worker has no endpoint", async () => {
    const { code, stderr } = await runCli(["profile", "-w", workloadFile, "--worker", "laptop"]);
    expect([code, stderr]).toEqual([2, expect.stringContaining('workers[0].endpoint: worker "laptop" has no endpoint')]);
  });

  it("exits 3 and says to ollama pull a model the server does not have", async () => {
    const missing = file("missing.yaml", readFileSync(workloadFile, "utf8").replace("qwen2.5:7b", "mistral:7b"));
    const { code, stderr } = await runCli(["profile", "-w", missing, "--expert", "qwen"]);
    expect([code, stderr]).toEqual([3, expect.stringContaining("fix: ollama pull mistral:7b")]);
  });

  it("exits 3 when the server cannot be reached", async () => {
    const down = file("down.yaml", readFileSync(workloadFile, "utf8").replace(ollama.url, `http://127.0.0.1:${await unusedPort()}`));
    const { code, stderr } = await runCli(["profile", "-w", down]);
    expect([code, stderr]).toEqual([3, expect.stringMatching(/cannot be reached: connection refused/)]);
  });

  it("shows examples in its help", async () => {
    const { stdout } = await runCli(["profile", "--help"]);
    expect(stdout).toMatch(/^Examples:\n {2}moa profile --workload workload\.yaml/m);
  });
});
