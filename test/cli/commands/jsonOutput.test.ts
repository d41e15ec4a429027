import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { unusedPort } from "../../helpers/ports.js";
import { postgresReachable } from "../../helpers/postgres.js";
import { runCli } from "../../helpers/runCli.js";

// `--json` as a program reads it: one document on stdout, on success and on failure, with the exit code unchanged.
let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-json-"));
const configFile = path.join(dir, "moa.yaml");
const failingFile = path.join(dir, "failing.yaml");

interface ErrorDoc {
  error: { code: string; category: string; exitCode: number; message: string; fix?: string; thread?: { id: string; resume: string } };
}

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      // The first declared proposer answers last: arrival order differs from declared order.
      "first:1b": { reply: "first proposal", latencyMs: 400 },
      "second:1b": { reply: "second proposal" },
      "broken:1b": { reply: "never", failure: "http500" },
      "agg:3b": { reply: "the answer" },
    },
  });
  writeFileSync(
    configFile,
    "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:first:1b, ollama:second:1b]\naggregator: ollama:agg:3b\n",
  );
  writeFileSync(failingFile, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:broken:1b]\naggregator: ollama:agg:3b\n");
});
afterAll(() => ollama.close());

const env = () => ({ OLLAMA_HOST: ollama.url });

describe("--json on success", () => {
  it("lists the agents' answers in declared order, not in the order they arrived", async () => {
    const result = await runCli(["run", "Hi", "--config", configFile, "--json", "--no-persist"], { env: env() });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { answers: Array<{ agent: string; startedAt: string; latencyMs: number }> };
    expect(doc.answers.map((a) => a.agent)).toEqual(["first-1b", "second-1b", "aggregator"]);
  });

  it("rounds latencies to 0.1 ms", async () => {
    const result = await runCli(["run", "Hi", "--config", configFile, "--json", "--no-persist"], { env: env() });
    const doc = JSON.parse(result.stdout) as { answers: Array<{ latencyMs: number }> };
    for (const { latencyMs } of doc.answers) expect(Math.round(latencyMs * 10) / 10).toBe(latencyMs);
  });

  it("names no thread with --no-persist", async () => {
    const result = await runCli(["run", "Hi", "--config", configFile, "--json", "--no-persist"], { env: env() });
    expect(JSON.parse(result.stdout)).not.toHaveProperty("thread");
  });

  it("names the thread when the run is persisted", async () => {
    const db = path.join(dir, "persisted.sqlite");
    const result = await runCli(["run", "Hi", "--config", configFile, "--json", "--db", db, "--thread", "j1"], { env: env() });
    expect(JSON.parse(result.stdout)).toMatchObject({ thread: "j1" });
  });
});

describe("--json on failure", () => {
  it("prints the error with the thread to resume when a layer fails (exit 1, as without --json)", async () => {
    const db = path.join(dir, "failed.sqlite");
    const plain = await runCli(["run", "Hi", "--config", failingFile, "--db", db, "--thread", "f0"], { env: env() });
    const result = await runCli(["run", "Hi", "--config", failingFile, "--json", "--db", db, "--thread", "f1"], { env: env() });
    expect(result.code).toBe(plain.code);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as ErrorDoc;
    expect(doc.error).toMatchObject({
      code: "layer_failed",
      category: "run",
      exitCode: 1,
      thread: { id: "f1", resume: `moa resume f1 --db ${db}` },
    });
    expect(doc.error.message).toMatch(/^layer 1: no agent answered/);
    expect(doc.error.message).not.toContain("Resume with");
  });

  it("keeps the human message on stderr", async () => {
    const result = await runCli(["run", "Hi", "--config", failingFile, "--json", "--no-persist"], { env: env() });
    expect(result.stderr).toMatch(/^moa: layer 1: no agent answered/m);
  });

  it("names no thread when the run was not persisted", async () => {
    const result = await runCli(["run", "Hi", "--config", failingFile, "--json", "--no-persist"], { env: env() });
    expect((JSON.parse(result.stdout) as ErrorDoc).error.thread).toBeUndefined();
  });

  it("names the thread to resume when a new question is refused after an unfinished turn (exit 2)", async () => {
    const db = path.join(dir, "unfinished.sqlite");
    await runCli(["run", "Hi", "--config", failingFile, "--db", db, "--thread", "u1"], { env: env() });
    const result = await runCli(["run", "Next", "--json", "--db", db, "--thread", "u1"], { env: env() });
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stdout) as ErrorDoc).error).toMatchObject({ code: "unfinished_turn", thread: { id: "u1" } });
  });

  it("prints a configuration error with its code (exit 2)", async () => {
    const result = await runCli(["run", "Hi", "--preset", "nope", "--json", "--no-persist"]);
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stdout) as ErrorDoc).error).toMatchObject({ code: "invalid_config", category: "config", exitCode: 2 });
  });

  it("prints a command-line error of the parser as a usage error (exit 2)", async () => {
    const result = await runCli(["run", "Hi", "--bogus", "--json"]);
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stdout) as ErrorDoc).error).toMatchObject({
      code: "unknown_option",
      category: "usage",
      message: "unknown option '--bogus'",
    });
  });

  it("prints an unreachable PostgreSQL server as an environment error with a fix (exit 3)", async () => {
    const url = `postgres://moa:s3cret@127.0.0.1:${await unusedPort()}/runs`;
    const result = await runCli(["run", "Hi", "--config", configFile, "--json", "--checkpointer", url], { env: env() });
    expect(result.code).toBe(3);
    const doc = JSON.parse(result.stdout) as ErrorDoc;
    expect(doc.error).toMatchObject({ code: "database_unreachable", category: "environment", exitCode: 3 });
    expect(doc.error.fix).toMatch(/start the server/);
    expect(result.stdout).not.toContain("s3cret");
  });

  it("prints an unknown thread of moa show as a usage error (exit 2)", async () => {
    const result = await runCli(["show", "missing", "--json", "--db", path.join(dir, "none.sqlite")]);
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stdout) as ErrorDoc).error.code).toBe("thread_not_found");
  });

  it("prints no document for --help", async () => {
    const result = await runCli(["run", "--help", "--json"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('"error"');
  });
});

// The same connection string gets the same code, exit code and fix from every command that opens the database.
const pgUrl = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const pgAvailable = await postgresReachable(pgUrl);
const databaseCommands: Array<[string, string[]]> = [
  ["run", ["run", "Hi", "--config", configFile]],
  ["resume", ["resume", "t1"]],
  ["show", ["show", "t1"]],
  ["threads", ["threads"]],
];

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

describe("--json for a PostgreSQL run database that cannot be used", () => {
  // A server that accepts a connection and closes it at once, and a web server: both reachable, neither PostgreSQL.
  // (Reading what the client sends lets the socket see the client's end, so the server can close.)
  const closing = createTcpServer((socket) => socket.resume().end());
  const web = createHttpServer((_request, response) => response.end("hello"));
  let closingPort = 0;
  let webPort = 0;
  beforeAll(async () => {
    closingPort = await listening(closing);
    webPort = await listening(web);
  });
  afterAll(async () => {
    web.closeAllConnections();
    await Promise.all([closing, web].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const errorOf = async (args: string[], url: string, extraEnv: Record<string, string> = {}) => {
    const result = await runCli([...args, "--json", "--checkpointer", url], { env: { ...env(), ...extraEnv } });
    return { exit: result.code, error: (JSON.parse(result.stdout) as ErrorDoc).error };
  };

  it.each(databaseCommands)("moa %s reports a closed port as unreachable (exit 3)", async (_name, args) => {
    const { exit, error } = await errorOf(args, `postgres://moa:s3cret@127.0.0.1:${await unusedPort()}/runs`);
    expect(exit).toBe(3);
    expect(error).toMatchObject({
      code: "database_unreachable",
      exitCode: 3,
      fix: "start the server (or check its host and port in --checkpointer / MOA_CHECKPOINTER), or run with --no-persist",
    });
  });

  it.each(databaseCommands)("moa %s reports a server that closes the connection as not PostgreSQL (exit 3)", async (_name, args) => {
    const { exit, error } = await errorOf(args, `postgres://moa@127.0.0.1:${closingPort}/runs`);
    expect(exit).toBe(3);
    expect(error).toMatchObject({
      code: "database_protocol_error",
      category: "environment",
      message: `the server at 127.0.0.1:${closingPort} did not speak the PostgreSQL protocol or closed the connection (Connection terminated unexpectedly)`,
      fix: "check the host and port in --checkpointer / MOA_CHECKPOINTER: they must be those of a PostgreSQL server; or run with --no-persist",
    });
  });

  it.each(databaseCommands)("moa %s reports an HTTP server's port as not PostgreSQL, not as unreachable", async (_name, args) => {
    const { exit, error } = await errorOf(args, `postgres://moa@127.0.0.1:${webPort}/runs`);
    expect(exit).toBe(3);
    expect(error.code).toBe("database_protocol_error");
    expect(error.message).toContain(`127.0.0.1:${webPort}`);
  });

  it.each(databaseCommands)("moa %s refuses a port out of range as a configuration error naming it (exit 2)", async (_name, args) => {
    const { exit, error } = await errorOf(args, "postgres://moa@127.0.0.1:99999/runs");
    expect(exit).toBe(2);
    expect(error).toMatchObject({ code: "invalid_config", category: "config", exitCode: 2 });
    expect(error.message).toContain('--checkpointer: port "99999"');
  });

  it("names MOA_CHECKPOINTER when the bad port comes from the variable", async () => {
    const result = await runCli(["threads", "--json"], { env: { MOA_CHECKPOINTER: "postgres://moa@127.0.0.1:99999/runs" } });
    expect(result.code).toBe(2);
    expect((JSON.parse(result.stdout) as ErrorDoc).error.message).toContain('MOA_CHECKPOINTER: port "99999"');
  });

  it.skipIf(!pgAvailable).each(databaseCommands)("moa %s reports a database the server does not have (exit 3)", async (_name, args) => {
    const missing = new URL(pgUrl);
    missing.pathname = "/no_such_database_for_moa";
    const { exit, error } = await errorOf(args, missing.toString());
    expect(exit).toBe(3);
    expect(error).toMatchObject({
      code: "database_not_found",
      fix: "create it (createdb no_such_database_for_moa) or name an existing database in --checkpointer / MOA_CHECKPOINTER, or run with --no-persist",
    });
  });
});
