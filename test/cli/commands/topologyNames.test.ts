import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { openRunStore } from "../../../src/persistence/openRunStore.js";
import { listPresets } from "../../../src/graphs/registry.js";
import { runCli } from "../../helpers/runCli.js";

// Which topology a command runs, and whether a name says so: presets and kinds, roles, a thread's topology.
let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-names-"));
const configFile = path.join(dir, "team.yaml");

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: "Rayleigh scattering." },
      "llama3.2:1b": { reply: "Blue light scatters more." },
      "gemma2:2b": { reply: "Short wavelengths scatter." },
      "qwen2.5:3b": { reply: "The sky is blue because of Rayleigh scattering." },
    },
  });
  writeFileSync(configFile, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:qwen2.5:1.5b]\naggregator: ollama:qwen2.5:3b\n");
});
afterAll(() => ollama.close());

const env = () => ({ OLLAMA_HOST: ollama.url });
const run = (args: string[]) => runCli(["run", "Why is the sky blue?", "--backend", "ollama", ...args], { env: env() });

describe("moa presets", () => {
  it("starts with a header", async () => {
    const { stdout } = await runCli(["presets"]);
    expect(stdout.split("\n")[0]).toMatch(/^preset\s+kind\s+agents per question/);
  });

  it("fits every line in 100 columns", async () => {
    const { stdout } = await runCli(["presets"]);
    expect(stdout.split("\n").filter((line) => line.length > 100)).toEqual([]);
  });

  it("gives each preset its kind and the agents a question goes through", async () => {
    const { stdout } = await runCli(["presets"]);
    for (const preset of listPresets()) expect(stdout).toMatch(new RegExp(`^${preset.name} +${preset.kind} +\\S`, "m"));
    expect(stdout).toMatch(/^moa-deep +moa +3 proposers -> 3 refiners -> final aggregator$/m);
    expect(stdout).toMatch(/^coe +coe +router -> 3 experts/m);
  });

  it("says which preset each kind and a bare `moa run` default to", async () => {
    const { stdout } = await runCli(["presets"]);
    expect(stdout).toMatch(/^moa-lite .*\(default of --topology moa and moa run\)$/m);
  });
});

describe("--topology and --preset", () => {
  it("runs the kind's default preset for --topology, and says which", async () => {
    const result = await run(["--topology", "moa", "--json", "--no-persist"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("preset: moa-lite (the default of topology moa");
    expect((JSON.parse(result.stdout) as { topology: string }).topology).toBe("moa-lite");
  });

  it("refuses --preset moa, which named a 3-layer preset while --topology moa runs moa-lite (exit 2)", async () => {
    const result = await run(["--preset", "moa", "--no-persist"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'the preset "moa" is now called "moa-deep"; "moa" is the topology kind, whose default preset is "moa-lite"',
    );
  });

  it("names middle-layer agents refiners in --json and in the summary table", async () => {
    const json = await run(["--preset", "moa-deep", "--json", "--no-persist"]);
    const roles = (JSON.parse(json.stdout) as { answers: Array<{ layer: number; role: string }> }).answers.map((a) => [a.layer, a.role]);
    expect(new Set(roles.map(String))).toEqual(new Set(["1,proposer", "2,refiner", "3,final"]));
    const table = await run(["--preset", "moa-deep", "--no-persist"]);
    expect(table.stderr).toMatch(/│ +2 │ qwen2\.5-1\.5b +│ refiner +│/);
    expect(table.stderr).toMatch(/│ +3 │ aggregator +│ final +│/);
  });
});

describe("a thread keeps its topology", () => {
  const db = path.join(dir, "threads.sqlite");
  const onThread = (thread: string, args: string[]) => run(["--db", db, "--thread", thread, ...args]);

  it("refuses another preset on a continued thread, naming both and how to go on (exit 2)", async () => {
    expect((await onThread("lite", [])).code).toBe(0);
    const result = await onThread("lite", ["--preset", "coe"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "thread lite runs preset moa-lite (topology moa); --preset coe would switch it to preset coe (topology coe)",
    );
    expect(result.stderr).toContain("  for preset coe (topology coe): start a new thread");
    expect(result.stderr).toContain("  to switch this thread: add --switch-topology");
  });

  it("reports a --config file that cannot be read, not a switch to it (exit 2)", async () => {
    expect((await onThread("missing-file", [])).code).toBe(0);
    const missing = path.join(dir, "no-such-topology.yaml");
    const result = await onThread("missing-file", ["--config", missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(missing);
    expect(result.stderr).not.toContain("would switch it");
  });

  it("goes on when --config names the thread's file by another path (a symlink)", async () => {
    const file = path.join(dir, "thread-own.yaml");
    writeFileSync(file, readFileSync(configFile));
    const link = path.join(dir, "thread-own-link.yaml");
    symlinkSync(file, link);
    const fileRun = (config: string) => runCli(["run", "Hi", "--db", db, "--thread", "linked", "--config", config], { env: env() });
    expect((await fileRun(file)).code).toBe(0);
    const result = await fileRun(link);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("would switch it");
  });

  it("refuses --switch-topology without --thread, which has nothing to switch (exit 2)", async () => {
    const result = await run(["--switch-topology", "--no-persist"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--switch-topology switches the topology of the thread given with --thread <id>");
  });

  it("refuses a config file on a thread run with a preset (exit 2)", async () => {
    expect((await onThread("lite-file", [])).code).toBe(0);
    const result = await onThread("lite-file", ["--config", configFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`would switch it to config file ${configFile} (topology moa)`);
  });

  it("refuses a --topology of another kind, and takes one of the thread's kind as a check", async () => {
    expect((await onThread("kinds", [])).code).toBe(0);
    expect((await onThread("kinds", ["--topology", "coe"])).code).toBe(2);
    const same = await onThread("kinds", ["--topology", "moa", "--json"]);
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as { topology: string }).topology).toBe("moa-lite");
  });

  it("switches the thread with --switch-topology, and says so", async () => {
    expect((await onThread("switch", [])).code).toBe(0);
    // A config file names its own models: no --backend.
    const fileRun = (args: string[]) => runCli(["run", "And at sunset?", "--db", db, "--thread", "switch", ...args], { env: env() });
    const result = await fileRun(["--config", configFile, "--switch-topology", "--json"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`switching thread switch from preset moa-lite (topology moa) to config file ${configFile}`);
    const next = await fileRun(["--json"]);
    expect((JSON.parse(next.stdout) as { answers: unknown[] }).answers).toHaveLength(2);
  });

  it("goes on with the renamed preset on a thread an earlier version saved as preset moa", async () => {
    const store = await openRunStore({ db });
    await store.recordThread({ threadId: "old-moa", source: { preset: "moa", backend: "ollama" }, title: "old" });
    await store.close();
    const result = await onThread("old-moa", ["--json"]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { topology: string }).topology).toBe("moa-deep");
  });
});
