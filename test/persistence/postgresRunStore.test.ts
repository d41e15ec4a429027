import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRunStore } from "../../src/persistence/openRunStore.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { runCli } from "../helpers/runCli.js";

// A real PostgreSQL server: .ci/run makes sure one runs. Outside CI, without a server, these tests
// are skipped with the reason printed (the only tests in the suite that may skip).
const url = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const available = await reachable(url);
if (!available && process.env.CI) throw new Error(`PostgreSQL is required in CI but ${url} does not answer`);
if (!available) console.warn(`skipping PostgreSQL tests: no server answers at ${url} (set MOA_TEST_POSTGRES_URL)`);

let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-pg-"));
const configFile = path.join(dir, "moa.yaml");

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: { "a:1b": { reply: "proposal a" }, "b:1b": { reply: "proposal b" }, "agg:3b": { reply: "answer from postgres run" } },
  });
  writeFileSync(configFile, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:a:1b, ollama:b:1b]\naggregator: ollama:agg:3b\n");
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

  it("refuses a checkpointer that is not a postgres URL (exit 2)", async () => {
    const result = await runCli(["threads", "--checkpointer", "mysql://x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--checkpointer: expected a postgres:// or postgresql:// connection string");
  });
});

async function reachable(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
