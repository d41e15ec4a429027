import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { runCli } from "../../helpers/runCli.js";
import { until } from "../../helpers/until.js";

let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-resume-"));
const configFile = path.join(dir, "two-layers.yaml");

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "p1:1b": { reply: "first proposal" },
      "p2:1b": { reply: "second proposal" },
      "q1:1b": { reply: "quick refinement" },
      "q2:1b": { reply: "slow refinement", latencyMs: 20_000 },
      "agg:3b": { reply: "the final answer" },
    },
  });
  writeFileSync(
    configFile,
    [
      "defaults: { retries: 0 }",
      "layers:",
      "  - agents: [ollama:p1:1b, ollama:p2:1b]",
      "  - agents: [ollama:q1:1b, ollama:q2:1b]",
      "aggregator: ollama:agg:3b",
      "",
    ].join("\n"),
  );
});
afterAll(() => ollama.close());

describe("crash and resume", () => {
  it("resumes a run killed during layer 2 without calling finished agents again", async () => {
    const db = path.join(dir, "runs.sqlite");
    const env = { OLLAMA_HOST: ollama.url };
    const killed = await runCli(["run", "Explain resumability", "--config", configFile, "--db", db, "--thread", "crash-1"], {
      env,
      onSpawn: (child) => {
        // Kill -9 once layer 2's quick agent has answered and the slow one is still generating.
        void until(() => ollama.callsFor("q1:1b").some((c) => c.endedAt !== undefined) && ollama.callsFor("q2:1b").length > 0, 20_000)
          .then(() => new Promise((r) => setTimeout(r, 300)))
          .then(() => child.kill("SIGKILL"));
      },
    });
    expect(killed.code).toBeNull();
    expect(ollama.callsFor("agg:3b")).toHaveLength(0);

    ollama.setBehavior("q2:1b", { reply: "slow refinement" });
    const resumed = await runCli(["resume", "crash-1", "--db", db], { env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim()).toBe("the final answer");
    expect(resumed.stderr).toContain("resuming thread crash-1 at layer2/q2-1b");
    // Across both processes: finished agents were called once; only the killed call was repeated.
    const calls = Object.fromEntries(["p1:1b", "p2:1b", "q1:1b", "q2:1b", "agg:3b"].map((m) => [m, ollama.callsFor(m).length]));
    expect(calls).toEqual({ "p1:1b": 1, "p2:1b": 1, "q1:1b": 1, "q2:1b": 2, "agg:3b": 1 });
    // The aggregator saw both layer-2 answers, the saved one included.
    expect(ollama.callsFor("agg:3b")[0]!.messages[0]!.content).toContain("quick refinement");
  }, 60_000);

  it("lists the thread and shows its layers", async () => {
    const db = path.join(dir, "runs.sqlite");
    const threads = await runCli(["threads", "--db", db]);
    expect(threads.stdout).toContain("crash-1");
    expect(threads.stdout).toContain("Explain resumability");
    const shown = await runCli(["show", "crash-1", "--db", db]);
    expect(shown.stdout).toMatch(/── layer 1 · p1-1b · proposer \(ollama:p1:1b\)/);
    expect(shown.stdout).toMatch(/── layer 2 · q2-1b/);
    expect(shown.stdout).toContain("── answer\nthe final answer");
  });

  it("continues a conversation on a thread with the thread's topology", async () => {
    const db = path.join(dir, "runs.sqlite");
    ollama.clearCalls();
    const next = await runCli(["run", "And a follow-up?", "--db", db, "--thread", "crash-1", "--json"], {
      env: { OLLAMA_HOST: ollama.url },
    });
    expect(next.code).toBe(0);
    // The aggregator received the whole conversation: first question, first answer, follow-up.
    const roles = ollama.callsFor("agg:3b")[0]!.messages.map((m) => m.role);
    expect(roles).toEqual(["system", "user", "assistant", "user"]);
  });

  it("says there is nothing to resume after a finished run (exit 2)", async () => {
    const result = await runCli(["resume", "crash-1", "--db", path.join(dir, "runs.sqlite")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('thread "crash-1" has nothing to resume');
  });

  it("reports an unknown thread (exit 2)", async () => {
    const result = await runCli(["show", "nope", "--db", path.join(dir, "runs.sqlite")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no thread "nope"');
  });
});

describe("resume after a failed run", () => {
  it("calls only the agents that failed again, then answers", async () => {
    const db = path.join(dir, "failed.sqlite");
    const config = path.join(dir, "strict.yaml");
    writeFileSync(
      config,
      [
        "defaults: { retries: 0 }",
        "layers:",
        "  - agents: [ollama:steady:1b, ollama:shaky:1b]",
        "    minSuccessful: 2",
        "aggregator: ollama:judge:3b",
        "",
      ].join("\n"),
    );
    const double = await startOllamaDouble({
      models: {
        "steady:1b": { reply: "steady proposal" },
        "shaky:1b": { reply: "shaky proposal", failFirst: 1, failureStatus: 503 },
        "judge:3b": { reply: "judged answer" },
      },
    });
    try {
      const env = { OLLAMA_HOST: double.url };
      const failed = await runCli(["run", "Why resume?", "--config", config, "--db", db, "--thread", "failed-1"], { env });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("only 1 of 2 agents answered, minSuccessful is 2");
      expect(failed.stderr).toContain(`Resume with: moa resume failed-1 --db ${db}`);

      const resumed = await runCli(["resume", "failed-1", "--db", db], { env });
      expect(resumed.code).toBe(0);
      expect(resumed.stdout.trim()).toBe("judged answer");
      expect(resumed.stderr).toContain("calling shaky-1b of layer 1 again; keeping the saved answers of steady-1b");
      const calls = Object.fromEntries(["steady:1b", "shaky:1b", "judge:3b"].map((m) => [m, double.callsFor(m).length]));
      expect(calls).toEqual({ "steady:1b": 1, "shaky:1b": 2, "judge:3b": 1 });

      const shown = await runCli(["show", "failed-1", "--db", db]);
      expect(shown.stdout).toContain("── answer\njudged answer");

      // Resumed is updated: the thread moves up in `moa threads`.
      const listed = JSON.parse((await runCli(["threads", "--db", db, "--json"])).stdout) as {
        threads: Array<{ thread: string; createdAt: string; updatedAt: string }>;
      };
      const thread = listed.threads.find((t) => t.thread === "failed-1")!;
      expect(Date.parse(thread.updatedAt)).toBeGreaterThan(Date.parse(thread.createdAt));
    } finally {
      await double.close();
    }
  }, 60_000);
});

describe("crash inside a quorum layer", () => {
  it("keeps the calls that had finished when the process is killed mid-layer", async () => {
    const db = path.join(dir, "quorum.sqlite");
    const config = path.join(dir, "quorum.yaml");
    writeFileSync(
      config,
      [
        "defaults: { retries: 0 }",
        "layers:",
        "  - agents: [ollama:f1:1b, ollama:f2:1b, ollama:slow:1b]",
        "    quorum: { min: 3 }",
        "aggregator: ollama:judge:3b",
        "",
      ].join("\n"),
    );
    const double = await startOllamaDouble({
      models: {
        "f1:1b": { reply: "one" },
        "f2:1b": { reply: "two" },
        "slow:1b": { reply: "three", latencyMs: 20_000 },
        "judge:3b": { reply: "judged" },
      },
    });
    try {
      const env = { OLLAMA_HOST: double.url };
      const killed = await runCli(["run", "Why?", "--config", config, "--db", db, "--thread", "quorum-1"], {
        env,
        onSpawn: (child) => {
          void until(
            () =>
              ["f1:1b", "f2:1b"].every((m) => double.callsFor(m).some((c) => c.endedAt !== undefined)) &&
              double.callsFor("slow:1b").length > 0,
            20_000,
          )
            .then(() => new Promise((r) => setTimeout(r, 300)))
            .then(() => child.kill("SIGKILL"));
        },
      });
      expect(killed.code).toBeNull();

      double.setBehavior("slow:1b", { reply: "three" });
      const resumed = await runCli(["resume", "quorum-1", "--db", db], { env });
      expect(resumed.code).toBe(0);
      expect(resumed.stdout.trim()).toBe("judged");
      const calls = Object.fromEntries(["f1:1b", "f2:1b", "slow:1b", "judge:3b"].map((m) => [m, double.callsFor(m).length]));
      expect(calls).toEqual({ "f1:1b": 1, "f2:1b": 1, "slow:1b": 2, "judge:3b": 1 });
    } finally {
      await double.close();
    }
  }, 60_000);
});
