import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLangSmithDouble, type LangSmithDouble, type LangSmithRun } from "../../doubles/langsmithDouble.js";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { runCli, type CliResult } from "../../helpers/runCli.js";
import { until } from "../../helpers/until.js";

let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-tracing-"));
const ANSWER = "Blue light scatters most, so the sky looks blue.";

function writeConfig(name: string, agents: string[], aggregator: string): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    ["defaults: { retries: 0 }", "layers:", `  - agents: [${agents.join(", ")}]`, `aggregator: ${aggregator}`, ""].join("\n"),
  );
  return file;
}

let config: string;
beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "p1:1b": { reply: "Rayleigh scattering." },
      "p2:1b": { reply: "Short wavelengths scatter more." },
      "agg:3b": { reply: ANSWER },
      "broken:1b": { failure: "http500" },
      "slow:1b": { reply: "late", latencyMs: 60_000 },
      "lines:3b": { reply: `The first line.\n${"and more text ".repeat(60)}`, chunkSize: 16, chunkDelayMs: 20 },
    },
  });
  config = writeConfig("moa.yaml", ["ollama:p1:1b", "ollama:p2:1b"], "ollama:agg:3b");
});
afterAll(() => ollama.close());

/** The CLI traced to `langsmith` (the tests' own setting turns tracing off everywhere else). */
function tracedEnv(langsmith: LangSmithDouble, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OLLAMA_HOST: ollama.url,
    LANGSMITH_TRACING: "true",
    LANGSMITH_ENDPOINT: langsmith.url,
    LANGSMITH_API_KEY: "test-key",
    LANGSMITH_PROJECT: "moa-tests",
    ...extra,
  };
}

function rootOf(langsmith: LangSmithDouble): LangSmithRun | undefined {
  return [...langsmith.runs.values()].find((run) => run.parent_run_id === undefined);
}

function modelCalls(langsmith: LangSmithDouble): LangSmithRun[] {
  return [...langsmith.runs.values()].filter((run) => run.run_type === "llm");
}

describe("moa run traced to LangSmith", () => {
  let langsmith: LangSmithDouble;
  let result: CliResult;
  beforeAll(async () => {
    langsmith = await startLangSmithDouble();
    result = await runCli(["run", "Why is the sky blue?", "--config", config, "--no-persist"], { env: tracedEnv(langsmith) });
  });
  afterAll(() => langsmith.close());

  it("answers as without tracing and prints no warning", () => {
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(ANSWER);
    expect(result.stderr).not.toMatch(/warning|LangSmith|LANGSMITH/);
  });

  it("sends the graph's root run, finished, with the question and the reply, to the project named", () => {
    const root = rootOf(langsmith);
    expect(root).toMatchObject({ run_type: "chain", session_name: "moa-tests" });
    expect(root?.end_time).toBeDefined();
    expect(JSON.stringify(root?.inputs)).toContain("Why is the sky blue?");
    expect(JSON.stringify(root?.outputs)).toContain(ANSWER);
  });

  it("sends every agent's model call under the root, with its layer, role and model in the metadata", () => {
    const root = rootOf(langsmith)!;
    const calls = modelCalls(langsmith);
    expect(calls.every((call) => call.trace_id === root.id)).toBe(true);
    const labels = calls.map((call) => {
      const { moa_agent, moa_layer, moa_role, moa_model } = call.extra?.metadata ?? {};
      return { moa_agent, moa_layer, moa_role, moa_model };
    });
    expect(labels.sort((a, b) => String(a.moa_agent).localeCompare(String(b.moa_agent)))).toEqual([
      { moa_agent: "aggregator", moa_layer: 2, moa_role: "final", moa_model: "ollama:agg:3b" },
      { moa_agent: "p1-1b", moa_layer: 1, moa_role: "proposer", moa_model: "ollama:p1:1b" },
      { moa_agent: "p2-1b", moa_layer: 1, moa_role: "proposer", moa_model: "ollama:p2:1b" },
    ]);
  });

  it("sends the reply as the aggregator call's output", () => {
    const aggregator = modelCalls(langsmith).find((call) => call.extra?.metadata?.moa_agent === "aggregator");
    expect(JSON.stringify(aggregator?.outputs)).toContain(ANSWER);
  });

  it("sends the API key with every request to the configured endpoint", () => {
    expect(langsmith.requests.length).toBeGreaterThan(1);
    expect(langsmith.requests.every((request) => request.apiKey === "test-key")).toBe(true);
  });
});

describe("traces of runs that do not answer", () => {
  it("are sent for a run that failed", async () => {
    const langsmith = await startLangSmithDouble();
    try {
      const failing = writeConfig("failing.yaml", ["ollama:broken:1b"], "ollama:agg:3b");
      const result = await runCli(["run", "Why?", "--config", failing, "--no-persist"], { env: tracedEnv(langsmith) });
      expect(result.code).toBe(1);
      expect(rootOf(langsmith)?.error).toBeTruthy();
      expect(modelCalls(langsmith).map((call) => call.extra?.metadata?.moa_agent)).toContain("broken-1b");
    } finally {
      await langsmith.close();
    }
  });

  it("are sent for a run stopped with Ctrl-C", async () => {
    const langsmith = await startLangSmithDouble();
    try {
      const slow = writeConfig("slow.yaml", ["ollama:slow:1b"], "ollama:agg:3b");
      const before = ollama.callsFor("slow:1b").length;
      const result = await runCli(["run", "Why?", "--config", slow, "--no-persist"], {
        env: tracedEnv(langsmith),
        onSpawn: (child) => void until(() => ollama.callsFor("slow:1b").length > before, 20_000).then(() => child.kill("SIGINT")),
      });
      expect(result.code).toBe(130);
      expect(rootOf(langsmith)?.end_time).toBeDefined();
      expect(modelCalls(langsmith).map((call) => call.extra?.metadata?.moa_agent)).toEqual(["slow-1b"]);
    } finally {
      await langsmith.close();
    }
  });

  it("are sent for a run whose stdout was closed", async () => {
    const langsmith = await startLangSmithDouble();
    try {
      const lines = writeConfig("lines.yaml", ["ollama:p1:1b"], "ollama:lines:3b");
      const result = await runCli(["run", "Why?", "--config", lines, "--no-persist"], {
        env: tracedEnv(langsmith),
        // `moa run ... | head -1`
        onSpawn: (child) => child.stdout!.on("data", (text: Buffer | string) => String(text).includes("\n") && child.stdout!.destroy()),
      });
      expect(result.code).toBe(141);
      expect(rootOf(langsmith)?.end_time).toBeDefined();
      expect(
        modelCalls(langsmith)
          .map((call) => call.extra?.metadata?.moa_model)
          .sort(),
      ).toEqual(["ollama:lines:3b", "ollama:p1:1b"]);
    } finally {
      await langsmith.close();
    }
  });
});

describe("moa resume traced to LangSmith", () => {
  it("sends the resumed run's tree", async () => {
    const langsmith = await startLangSmithDouble();
    try {
      const db = path.join(dir, "runs.sqlite");
      ollama.setBehavior("flaky:1b", { failure: "http500" });
      const flaky = writeConfig("flaky.yaml", ["ollama:flaky:1b"], "ollama:agg:3b");
      const failed = await runCli(["run", "Why?", "--config", flaky, "--db", db, "--thread", "traced-resume"], {
        env: { OLLAMA_HOST: ollama.url },
      });
      expect(failed.code).toBe(1);
      ollama.setBehavior("flaky:1b", { reply: "Rayleigh scattering." });
      const resumed = await runCli(["resume", "traced-resume", "--db", db], { env: tracedEnv(langsmith) });
      expect(resumed.code).toBe(0);
      expect(JSON.stringify(rootOf(langsmith)?.outputs)).toContain(ANSWER);
      expect(
        modelCalls(langsmith)
          .map((call) => call.extra?.metadata?.moa_model)
          .sort(),
      ).toEqual(["ollama:agg:3b", "ollama:flaky:1b"]);
    } finally {
      await langsmith.close();
    }
  });
});

describe("a LangSmith that does not answer", () => {
  it("does not keep the CLI from exiting with its answer, and is reported", async () => {
    const langsmith = await startLangSmithDouble({ mode: "hang" });
    try {
      const result = await runCli(["run", "Why is the sky blue?", "--config", config, "--no-persist"], {
        env: tracedEnv(langsmith, { MOA_TRACE_FLUSH_MS: "1000" }),
        // Far below the ~100 s the LangSmith client would spend retrying, far above the deadline.
        timeoutMs: 45_000,
      });
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(ANSWER);
      expect(result.stderr).toContain(`warning: LangSmith traces not all sent within 1 s (to ${langsmith.url})`);
    } finally {
      await langsmith.close();
    }
  }, 60_000);
});

describe("a LangSmith that refuses the traces", () => {
  it("is reported in one warning per problem, without the client's stack traces", async () => {
    const langsmith = await startLangSmithDouble({ mode: "unauthorized" });
    try {
      const result = await runCli(["run", "Why is the sky blue?", "--config", config, "--no-persist"], { env: tracedEnv(langsmith) });
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(ANSWER);
      expect(result.stderr).toMatch(new RegExp(`warning: LangSmith \\(${langsmith.url.replace(/\./g, "\\.")}\\): .*401`));
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await langsmith.close();
    }
  });
});
