import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { openRunStore } from "../../src/persistence/openRunStore.js";
import { runCli } from "../helpers/runCli.js";
import { until } from "../helpers/until.js";

// What happens to a thread's turns across runs: two runs at once, a new question after an unfinished turn,
// resuming after the topology changed, and reading a database the user may not write.
let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-turns-"));
const configFile = path.join(dir, "moa.yaml");
const strictFile = path.join(dir, "strict.yaml");

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "slow:1b": { reply: "slow proposal", latencyMs: 1_500 },
      // Slow enough that a second CLI process has started before the first run ends, even on a loaded machine.
      "slower:1b": { reply: "slower proposal", latencyMs: 8_000 },
      "quick:1b": { reply: "quick proposal" },
      "broken:1b": { reply: "never", failure: "http500" },
      "fixed:1b": { reply: "fixed proposal" },
      "agg:3b": { reply: (req) => `answer to: ${req.messages.filter((m) => m.role === "user").at(-1)?.content ?? ""}` },
    },
  });
  writeFileSync(
    configFile,
    "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:slow:1b, ollama:quick:1b]\naggregator: ollama:agg:3b\n",
  );
  writeFileSync(
    strictFile,
    "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:quick:1b, ollama:broken:1b]\n    minSuccessful: 2\naggregator: ollama:agg:3b\n",
  );
});
afterAll(() => ollama.close());

const env = () => ({ OLLAMA_HOST: ollama.url });

describe("two runs on one thread at once", () => {
  it("keeps both turns: the second run waits for the first", async () => {
    const db = path.join(dir, "concurrent.sqlite");
    await runCli(["run", "First question", "--config", configFile, "--db", db, "--thread", "shared"], { env: env() });
    const [a, b] = await Promise.all([
      runCli(["run", "Second question", "--db", db, "--thread", "shared"], { env: env() }),
      runCli(["run", "Third question", "--db", db, "--thread", "shared"], { env: env() }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stderr + b.stderr).toContain("waiting for another run on thread shared to finish");
    const shown = await runCli(["show", "shared", "--db", db, "--json"]);
    const human = (JSON.parse(shown.stdout) as { messages: Array<{ type: string; content: string }> }).messages
      .filter((m) => m.type === "human")
      .map((m) => m.content);
    expect(human).toHaveLength(3);
    expect(new Set(human)).toEqual(new Set(["First question", "Second question", "Third question"]));
  }, 60_000);

  it("refuses the second run with the holder named when the wait runs out (exit 3)", async () => {
    const db = path.join(dir, "busy.sqlite");
    const config = path.join(dir, "slower.yaml");
    writeFileSync(config, "layers:\n  - agents: [ollama:slower:1b, ollama:quick:1b]\naggregator: ollama:agg:3b\n");
    const first = runCli(["run", "A long question", "--config", config, "--db", db, "--thread", "busy"], { env: env() });
    // The first run holds the thread while its slow proposer answers.
    await until(() => ollama.callsFor("slower:1b").length > 0, 20_000);
    const second = await runCli(["run", "Another question", "--db", db, "--thread", "busy"], { env: { ...env(), MOA_THREAD_WAIT: "0" } });
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/thread "busy" is in use by another run \(pid \d+ on host /);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect((await first).code).toBe(0);
  }, 60_000);

  it("rejects a malformed MOA_THREAD_WAIT (exit 2)", async () => {
    const result = await runCli(["run", "q", "--config", configFile, "--db", path.join(dir, "w.sqlite")], {
      env: { ...env(), MOA_THREAD_WAIT: "soon" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MOA_THREAD_WAIT must be a number of seconds (0 or more), got "soon"');
  });
});

describe("a new question after an unfinished turn", () => {
  it("is refused with the unfinished question and the resume command (exit 2)", async () => {
    const db = path.join(dir, "unfinished.sqlite");
    const failed = await runCli(["run", "Will this fail?", "--config", strictFile, "--db", db, "--thread", "u1"], { env: env() });
    expect(failed.code).toBe(1);
    const next = await runCli(["run", "Something else", "--db", db, "--thread", "u1"], { env: env() });
    expect(next.code).toBe(2);
    expect(next.stderr).toContain(
      `the last turn of thread u1 ("Will this fail?") has no answer: finish it with \`moa resume u1 --db ${db}\``,
    );
    expect(next.stderr).toContain("--abandon");
  });

  it("is asked with --abandon, leaving the unfinished turn in the history", async () => {
    const db = path.join(dir, "abandon.sqlite");
    await runCli(["run", "Will this fail?", "--config", strictFile, "--db", db, "--thread", "u2"], { env: env() });
    const next = await runCli(
      ["run", "Something else", "--config", configFile, "--db", db, "--thread", "u2", "--abandon", "--switch-topology"],
      {
        env: env(),
      },
    );
    expect(next.code).toBe(0);
    expect(next.stdout).toContain("answer to: Something else");
    const shown = await runCli(["show", "u2", "--db", db]);
    expect(shown.stdout).toContain("══ turn 1: Will this fail?");
    expect(shown.stdout).toContain("══ turn 2: Something else");
  });
});

describe("resume after the topology changed", () => {
  it("asks the unanswered question again with the current topology", async () => {
    const db = path.join(dir, "changed.sqlite");
    const config = path.join(dir, "changing.yaml");
    copyFileSync(strictFile, config);
    const failed = await runCli(["run", "What changed?", "--config", config, "--db", db, "--thread", "c1"], { env: env() });
    expect(failed.code).toBe(1);
    // The user replaces the failing model: the stopped step belonged to an agent that no longer exists.
    writeFileSync(config, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:quick:1b, ollama:fixed:1b]\naggregator: ollama:agg:3b\n");
    const resumed = await runCli(["resume", "c1", "--db", db], { env: env() });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain("nothing of turn 1 can continue with the current topology");
    expect(resumed.stdout.trim()).toBe("answer to: What changed?");
    const shown = await runCli(["show", "c1", "--db", db]);
    expect(shown.stdout).toContain("── layer 1 · fixed-1b · proposer (ollama:fixed:1b)");
    expect(shown.stdout).toContain("── answer\nanswer to: What changed?");
    expect(shown.stdout).not.toContain("has no answer yet");
  }, 60_000);
});

describe("listing threads", () => {
  it("shows a stored title without its control sequences", async () => {
    const db = path.join(dir, "titles.sqlite");
    const store = await openRunStore({ db });
    await store.recordThread({ threadId: "hostile", source: { preset: "moa-lite" }, title: "Hi\u001b]0;pwned\u0007\u001b[2J there" });
    await store.close();
    const threads = await runCli(["threads", "--db", db]);
    expect(threads.stdout).toContain("Hi there");
    expect(threads.stdout).not.toContain("\u001b");
  });
});

describe("a run database the user may only read", () => {
  it("lists and shows its threads", async () => {
    const db = path.join(dir, "readonly", "runs.sqlite");
    await runCli(["run", "Archived question", "--config", configFile, "--db", db, "--thread", "ro"], { env: env() });
    chmodSync(db, 0o444);
    chmodSync(path.dirname(db), 0o555);
    try {
      const threads = await runCli(["threads", "--db", db], { withoutRootFileAccess: true });
      expect(threads.code).toBe(0);
      expect(threads.stdout).toContain("Archived question");
      const shown = await runCli(["show", "ro", "--db", db], { withoutRootFileAccess: true });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain("── answer\nanswer to: Archived question");
    } finally {
      chmodSync(path.dirname(db), 0o755);
      chmodSync(db, 0o644);
    }
  });

  it("reads another user's database without leaving files beside it", async () => {
    const db = path.join(dir, "shared", "runs.sqlite");
    await runCli(["run", "Shared question", "--config", configFile, "--db", db, "--thread", "sh"], { env: env() });
    // Owned by someone else, in a folder this user may write: files SQLite made here would lock its owner out.
    chownSync(db, 65534, 65534);
    try {
      const threads = await runCli(["threads", "--db", db]);
      expect(threads.stdout).toContain("Shared question");
      expect(existsSync(`${db}-wal`) || existsSync(`${db}-shm`)).toBe(false);
    } finally {
      chownSync(db, process.getuid!(), process.getgid!());
    }
  });

  it("says a --db naming no file is no database, and creates nothing", async () => {
    const db = path.join(dir, "absent", "runs.sqlite");
    const threads = await runCli(["threads", "--db", db]);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain(`no run database at ${db} (--db)`);
    expect(existsSync(path.dirname(db))).toBe(false);
  });
});
