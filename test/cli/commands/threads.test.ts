import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { postgresReachable } from "../../helpers/postgres.js";
import { runCli } from "../../helpers/runCli.js";
import { until } from "../../helpers/until.js";

let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-threads-"));
const okFile = path.join(dir, "ok.yaml");
const failingFile = path.join(dir, "failing.yaml");
const slowFile = path.join(dir, "slow.yaml");
const pgUrl = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const pgAvailable = await postgresReachable(pgUrl);

interface Listing {
  store: string;
  threads: Array<{ thread: string; status: string; resume?: string; heldBy?: string; title: string }>;
}

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "quick:1b": { reply: "quick proposal" },
      "broken:1b": { reply: "never", failure: "http500" },
      // Slow enough that the listing sees the run holding its thread, even on a loaded machine.
      "slow:1b": { reply: "slow proposal", latencyMs: 20_000 },
      "agg:3b": { reply: "the answer" },
      // moa-lite's models, for threads run with a preset.
      "qwen2.5:1.5b": { reply: "p1" },
      "llama3.2:1b": { reply: "p2" },
      "gemma2:2b": { reply: "p3" },
      "qwen2.5:3b": { reply: "the preset's answer" },
    },
  });
  const config = (agent: string) => `defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:${agent}]\naggregator: ollama:agg:3b\n`;
  writeFileSync(okFile, config("quick:1b"));
  writeFileSync(failingFile, config("broken:1b"));
  writeFileSync(slowFile, config("slow:1b"));
});
afterAll(() => ollama.close());

const env = () => ({ OLLAMA_HOST: ollama.url });

/** A database with one answered thread (`done`) and one whose run failed (`open`). */
async function databaseWithThreads(): Promise<string> {
  const db = path.join(mkdtempSync(path.join(dir, "db-")), "runs.sqlite");
  await runCli(
    [
      "run",
      "A question answered in full, long enough to be clipped in the table of threads",
      "--config",
      okFile,
      "--db",
      db,
      "--thread",
      "done",
    ],
    {
      env: env(),
    },
  );
  await runCli(["run", "A question left unanswered", "--config", failingFile, "--db", db, "--thread", "open"], { env: env() });
  return db;
}

describe("moa threads", () => {
  it("shows each thread's status: answered, or unfinished with how to resume it", async () => {
    const db = await databaseWithThreads();
    const result = await runCli(["threads", "--db", db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^thread +updated +status +topology +first question$/m);
    expect(result.stdout).toMatch(/^done +\d{4}-\d\d-\d\d \d\d:\d\d +answered /m);
    expect(result.stdout).toMatch(/^open +\d{4}-\d\d-\d\d \d\d:\d\d +unfinished /m);
    expect(result.stdout).toContain("unfinished: finish one with moa resume <thread> --db");
  });

  it("prints one line per thread, no borders or rules between rows, within 100 columns", async () => {
    const db = await databaseWithThreads();
    const lines = (await runCli(["threads", "--db", db])).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines.join("\n")).not.toMatch(/[─│┼├┤┌┐└┘]/);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it("fits 100 columns with default (UUID) ids, keeping ids and preset names whole and cutting file paths", async () => {
    const db = path.join(mkdtempSync(path.join(dir, "db-")), "runs.sqlite");
    const deepDir = path.join(dir, "a-folder-with-a-long-name", "and-another-one-below-it");
    mkdirSync(deepDir, { recursive: true });
    const deepFile = path.join(deepDir, "failing-topology.yaml");
    writeFileSync(deepFile, readFileSync(failingFile));
    const question = "A question long enough that the table of threads has to clip it somewhere";
    await runCli(["run", question, "--config", deepFile, "--db", db], { env: env() });
    await runCli(["run", question, "--preset", "moa-lite", "--backend", "ollama", "--db", db], { env: env() });
    const listed = JSON.parse((await runCli(["threads", "--db", db, "--json"])).stdout) as Listing;
    expect(listed.threads.map((t) => t.status).sort()).toEqual(["answered", "unfinished"]);

    const lines = (await runCli(["threads", "--db", db])).stdout.trimEnd().split("\n");

    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
    for (const { thread } of listed.threads) expect(lines.some((line) => line.startsWith(`${thread}  `))).toBe(true);
    expect(lines.some((line) => line.includes("  preset moa-lite  "))).toBe(true);
    expect(lines.some((line) => / {2}…\/failing-\S* {2}/.test(line))).toBe(true);
  });

  it("names the resume command's form once under the table, even for a thread called like the command", async () => {
    const db = path.join(mkdtempSync(path.join(dir, "db-")), "runs.sqlite");
    await runCli(["run", "Will fail", "--config", failingFile, "--db", db, "--thread", "moa"], { env: env() });
    const result = await runCli(["threads", "--db", db]);
    expect(result.stdout).toContain(`unfinished: finish one with moa resume <thread> --db ${db}\n`);
  });

  it("lists a thread whose checkpoints cannot be read as unreadable, with the others", async () => {
    const db = await databaseWithThreads();
    const sqlite = new Database(db);
    sqlite.prepare("UPDATE checkpoints SET checkpoint = ? WHERE thread_id = 'open'").run(Buffer.from("not a checkpoint"));
    sqlite.close();
    const result = await runCli(["threads", "--db", db, "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as Listing;
    expect(doc.threads.find((t) => t.thread === "done")).toMatchObject({ status: "answered" });
    expect(doc.threads.find((t) => t.thread === "open")).toMatchObject({ status: "unreadable", problem: expect.any(String) });
  });

  it("prints one JSON document with --json, with the resume command of an unfinished thread", async () => {
    const db = await databaseWithThreads();
    const result = await runCli(["threads", "--db", db, "--json"]);
    const doc = JSON.parse(result.stdout) as Listing;
    expect(doc.store).toBe(`sqlite ${db}`);
    expect(doc.threads.find((t) => t.thread === "done")).toMatchObject({ status: "answered" });
    expect(doc.threads.find((t) => t.thread === "open")).toMatchObject({ status: "unfinished", resume: `moa resume open --db ${db}` });
  });

  it("shows a thread a run holds right now as running, and refuses to remove it (exit 3)", async () => {
    const db = path.join(mkdtempSync(path.join(dir, "db-")), "runs.sqlite");
    const run = runCli(["run", "Slow question", "--config", slowFile, "--db", db, "--thread", "busy"], { env: env() });
    const listing = async () => JSON.parse((await runCli(["threads", "--db", db, "--json"])).stdout) as Listing;
    // Until the run has created the database, --db names no file and the listing is an error document.
    await until(async () => (await listing()).threads?.some((t) => t.thread === "busy" && t.status === "running"), 20_000);
    const removed = await runCli(["threads", "rm", "busy", "--db", db]);
    expect(removed.code).toBe(3);
    expect(removed.stderr).toContain('thread "busy" is in use by a run right now');
    expect((await run).code).toBe(0);
    expect((await listing()).threads.find((t) => t.thread === "busy")?.status).toBe("answered");
  }, 90_000);
});

describe("moa threads on a database file that does not exist", () => {
  it("refuses a --db naming no file, as the likely typo it is (exit 2)", async () => {
    const missing = path.join(dir, "no-such-runs.sqlite");
    const result = await runCli(["threads", "--db", missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no run database at ${missing} (--db)`);
  });

  it("lists no threads when the default database does not exist yet", async () => {
    const home = mkdtempSync(path.join(dir, "home-"));
    const result = await runCli(["threads"], { env: { MOA_HOME: home } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^no threads in sqlite /);
  });

  it("removes nothing and creates no database file for rm (exit 2)", async () => {
    const home = mkdtempSync(path.join(dir, "home-"));
    const result = await runCli(["threads", "rm", "t1"], { env: { MOA_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no thread "t1"');
    expect(readdirSync(home)).toEqual([]);
  });
});

describe("moa threads rm", () => {
  it("removes a thread, so it is no longer listed or shown", async () => {
    const db = await databaseWithThreads();
    const result = await runCli(["threads", "rm", "open", "--db", db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`removed thread open from sqlite ${db}\n`);
    const listed = JSON.parse((await runCli(["threads", "--db", db, "--json"])).stdout) as Listing;
    expect(listed.threads.map((t) => t.thread)).toEqual(["done"]);
    expect((await runCli(["show", "open", "--db", db])).code).toBe(2);
  });

  it("reports an unknown thread (exit 2)", async () => {
    const db = await databaseWithThreads();
    const result = await runCli(["threads", "rm", "nope", "--db", db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `moa: no thread "nope" in sqlite ${db}; see \`moa threads\`\n  fix: list the threads with \`moa threads\` (with the same --db or --checkpointer), and copy the id from there\n`,
    );
  });

  it.skipIf(!pgAvailable)("removes a thread from PostgreSQL", async () => {
    const thread = `rm-${randomUUID()}`;
    await runCli(["run", "To be removed", "--config", okFile, "--checkpointer", pgUrl, "--thread", thread], { env: env() });
    const result = await runCli(["threads", "rm", thread, "--checkpointer", pgUrl]);
    expect(result.code).toBe(0);
    expect((await runCli(["show", thread, "--checkpointer", pgUrl])).code).toBe(2);
  });
});
