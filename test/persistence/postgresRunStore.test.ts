import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMoAError } from "../../src/errors/MoAError.js";
import { openRunStore } from "../../src/persistence/openRunStore.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { startTcpProxy } from "../doubles/tcpProxy.js";
import { postgresReachable, terminateSessions } from "../helpers/postgres.js";
import { runCli } from "../helpers/runCli.js";
import { until } from "../helpers/until.js";

// A real PostgreSQL server: .ci/run makes sure one runs. Outside CI, without a server, these tests
// are skipped with the reason printed (the only tests in the suite that may skip).
const url = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const available = await postgresReachable(url);
if (!available && process.env.CI) throw new Error(`PostgreSQL is required in CI but ${url} does not answer`);
if (!available) console.warn(`skipping PostgreSQL tests: no server answers at ${url} (set MOA_TEST_POSTGRES_URL)`);

let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-pg-"));
const configFile = path.join(dir, "moa.yaml");
const slowConfigFile = path.join(dir, "slow.yaml");

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "a:1b": { reply: "proposal a" },
      "b:1b": { reply: "proposal b" },
      "slow:1b": { reply: "slow proposal", latencyMs: 1_500 },
      // Slow enough that a second CLI process has started before the first run ends, even on a loaded machine.
      "slower:1b": { reply: "slower proposal", latencyMs: 8_000 },
      "agg:3b": { reply: "answer from postgres run" },
    },
  });
  writeFileSync(configFile, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:a:1b, ollama:b:1b]\naggregator: ollama:agg:3b\n");
  writeFileSync(
    slowConfigFile,
    "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:a:1b, ollama:slow:1b]\naggregator: ollama:agg:3b\n",
  );
});
afterAll(() => ollama?.close());

describe.skipIf(!available)("PostgreSQL checkpointer", () => {
  it("records and reads back a thread", async () => {
    const store = await openRunStore({ checkpointer: url });
    try {
      const threadId = `t-${randomUUID()}`;
      await store.recordThread({ threadId, source: { preset: "moa-lite" }, title: "a question" });
      expect(await store.getThread(threadId)).toMatchObject({ threadId, source: { preset: "moa-lite" }, title: "a question" });
      expect((await store.listThreads(500)).map((t) => t.threadId)).toContain(threadId);
    } finally {
      await store.close();
    }
  });

  it("persists CLI runs, continues the thread and shows it", async () => {
    const thread = `cli-${randomUUID()}`;
    const env = { OLLAMA_HOST: ollama.url };
    const first = await runCli(["run", "First question", "--config", configFile, "--checkpointer", url, "--thread", thread], { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`thread ${thread} (postgres 127.0.0.1:5432/test)`);
    const second = await runCli(["run", "Second question", "--checkpointer", url, "--thread", thread], { env });
    expect(second.code).toBe(0);
    const shown = await runCli(["show", thread, "--checkpointer", url]);
    expect(shown.stdout).toContain("══ turn 1: First question");
    expect(shown.stdout).toContain("══ turn 2: Second question");
    expect(shown.stdout.match(/── answer\nanswer from postgres run/g)).toHaveLength(2);
  });

  it("goes on when the server ends the run's connections mid-run", async () => {
    const thread = `dropped-${randomUUID()}`;
    const app = `moa-test-${randomUUID().slice(0, 8)}`;
    const withApp = `${url}${url.includes("?") ? "&" : "?"}application_name=${app}`;
    let ended = 0;
    const before = ollama.callsFor("slow:1b").length;
    const result = await runCli(["run", "Survive a restart", "--config", slowConfigFile, "--checkpointer", withApp, "--thread", thread], {
      env: { OLLAMA_HOST: ollama.url },
      onSpawn: () => {
        // While the slow proposer generates, the run's connections sit idle: end them all, as a restart would.
        void until(() => ollama.callsFor("slow:1b").length > before, 20_000).then(async () => {
          ended = await terminateSessions(url, app);
        });
      },
    });
    expect(result.stderr).not.toContain("Unhandled 'error' event");
    expect(result.code).toBe(0);
    expect(ended).toBeGreaterThan(0);
    expect(result.stdout.trim()).toBe("answer from postgres run");
    const shown = await runCli(["show", thread, "--checkpointer", url]);
    expect(shown.stdout).toContain("── answer\nanswer from postgres run");
  }, 60_000);

  it("stops with one line and the resume hint when the server is gone, then resumes (exit 3)", async () => {
    const proxy = await startTcpProxy(targetOf(url));
    const viaProxy = url.replace(/@[^/]+\//, `@127.0.0.1:${proxy.port}/`);
    const thread = `gone-${randomUUID()}`;
    try {
      const before = ollama.callsFor("slow:1b").length;
      const result = await runCli(
        ["run", "Survive an outage", "--config", slowConfigFile, "--checkpointer", viaProxy, "--thread", thread],
        {
          env: { OLLAMA_HOST: ollama.url },
          onSpawn: () => {
            void until(() => ollama.callsFor("slow:1b").length > before, 20_000).then(() => proxy.cut());
          },
        },
      );
      expect(result.code).toBe(3);
      // Whichever connection notices first: the thread lock's session, or a checkpoint write.
      expect(result.stderr).toMatch(
        /its database session ended and no new one could be opened|the PostgreSQL run database stopped answering/,
      );
      expect(result.stderr).toContain(`Resume with: moa resume ${thread}`);
      expect(result.stderr).not.toMatch(/\n\s+at /);

      await proxy.restore();
      const resumed = await runCli(["resume", thread, "--checkpointer", viaProxy], { env: { OLLAMA_HOST: ollama.url } });
      expect(resumed.code).toBe(0);
      expect(resumed.stdout.trim()).toBe("answer from postgres run");
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it("lets one run at a time write a thread: a second waits, then refuses (exit 3)", async () => {
    const thread = `locked-${randomUUID()}`;
    const config = path.join(dir, "slower.yaml");
    writeFileSync(config, "layers:\n  - agents: [ollama:a:1b, ollama:slower:1b]\naggregator: ollama:agg:3b\n");
    const before = ollama.callsFor("slower:1b").length;
    const first = runCli(["run", "Hold the thread", "--config", config, "--checkpointer", url, "--thread", thread], {
      env: { OLLAMA_HOST: ollama.url },
    });
    await until(() => ollama.callsFor("slower:1b").length > before, 20_000);
    const second = await runCli(["run", "Me too", "--config", config, "--checkpointer", url, "--thread", thread], {
      env: { OLLAMA_HOST: ollama.url, MOA_THREAD_WAIT: "0" },
    });
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`thread "${thread}" is in use by another run (PostgreSQL session`);
    expect((await first).code).toBe(0);
  }, 60_000);

  it("takes a thread's lock back when the server ends its session, keeping other runs out", async () => {
    const app = `moa-lock-${randomUUID().slice(0, 8)}`;
    const holder = await openRunStore({ checkpointer: `${url}${url.includes("?") ? "&" : "?"}application_name=${app}` });
    const other = await openRunStore({ checkpointer: url });
    const threadId = `retake-${randomUUID()}`;
    try {
      const lock = await holder.lockThread(threadId, { waitMs: 0 });
      expect(await terminateSessions(url, app)).toBeGreaterThan(0);
      // The holder's new session holds the advisory lock again.
      await until(async () => (await advisoryLocksHeldBy(app)) > 0, 10_000);
      const error = await other.lockThread(threadId, { waitMs: 0 }).catch((e: unknown) => e);
      expect(isMoAError(error) && error.code).toBe("thread_busy");
      expect(lock.lost.aborted).toBe(false);
      await lock.release();
      await (await other.lockThread(threadId, { waitMs: 0 })).release();
    } finally {
      await holder.close();
      await other.close();
    }
  });

  it("refuses a checkpointer that is not a postgres URL (exit 2)", async () => {
    const result = await runCli(["threads", "--checkpointer", "mysql://x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--checkpointer: expected a postgres:// or postgresql:// connection string");
  });
});

async function advisoryLocksHeldBy(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`,
      [applicationName],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

function targetOf(connectionString: string): { host: string; port: number } {
  const parsed = new URL(connectionString);
  return { host: parsed.hostname || "127.0.0.1", port: Number(parsed.port || 5432) };
}
