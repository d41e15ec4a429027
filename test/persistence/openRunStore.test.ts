import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { openRunStore } from "../../src/persistence/openRunStore.js";
import { postgresOpenFailure } from "../../src/persistence/postgresOpenFailure.js";
import { RunStoreError } from "../../src/persistence/RunStoreError.js";
import { unusedPort } from "../helpers/ports.js";
import { postgresReachable } from "../helpers/postgres.js";
import { runCli } from "../helpers/runCli.js";

const postgresUrl = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const postgresAvailable = await postgresReachable(postgresUrl);

describe("openRunStore failures", () => {
  it("reports a PostgreSQL server that does not answer as the environment's problem, without the password", async () => {
    const url = `postgres://moa:s3cret@127.0.0.1:${await unusedPort()}/runs`;
    const error = await openRunStore({ checkpointer: url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStoreError);
    expect(error).toMatchObject({ code: "database_unreachable", category: "environment", exitCode: 3 });
    expect((error as Error).message).toMatch(
      /^cannot reach the PostgreSQL server of postgres:\/\/moa:\*\*\*@127\.0\.0\.1:\d+\/runs \(connect ECONNREFUSED [^()]*\)$/,
    );
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("reports a SQLite file that cannot be created as the environment's problem", async () => {
    const notAFolder = path.join(mkdtempSync(path.join(tmpdir(), "moa-db-")), "file");
    writeFileSync(notAFolder, "");
    const error = await openRunStore({ db: path.join(notAFolder, "runs.sqlite") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStoreError);
    expect((error as RunStoreError).fix).toMatch(/--no-persist/);
  });

  it.skipIf(!postgresAvailable)(
    "reports a PostgreSQL server that refuses the login as the environment's problem, not as unreachable",
    async () => {
      const wrongRole = new URL(postgresUrl);
      wrongRole.username = "no_such_role_for_moa";
      const error = await openRunStore({ checkpointer: wrongRole.toString() }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "database_login_refused", category: "environment", exitCode: 3 });
    },
  );

  it("refuses a connection string that is not PostgreSQL's as a configuration error, without the password", async () => {
    const error = await openRunStore({ checkpointer: "mysql://root:hunter2@db/runs" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      '--checkpointer: expected a postgres:// or postgresql:// connection string, got "mysql://root:***@db/runs"',
    );
  });

  it("makes the CLI exit 3 when the run database is unreachable", async () => {
    const { code, stderr } = await runCli(["run", "Hi", "--checkpointer", `postgres://moa:s3cret@127.0.0.1:${await unusedPort()}/x`]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^moa: cannot reach the PostgreSQL server of postgres:\/\/moa:\*\*\*@/);
    expect(stderr).not.toContain("s3cret");
  });

  it("refuses a port out of range before connecting, as a configuration error naming the option and the port", async () => {
    const error = await openRunStore({ checkpointer: "postgres://moa:s3cret@127.0.0.1:99999/runs" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "invalid_config", exitCode: 2 });
    expect((error as Error).message).toBe(
      'invalid configuration: --checkpointer: port "99999" of "postgres://moa:***@127.0.0.1:99999/runs" is not a port number (1-65535)',
    );
  });

  it("names MOA_CHECKPOINTER when the bad connection string comes from the variable", async () => {
    const error = await openRunStore({ env: { MOA_CHECKPOINTER: "postgres://moa@127.0.0.1:0/runs" } }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^invalid configuration: MOA_CHECKPOINTER: port "0" /);
  });

  it("reports a server that closes the connection without speaking PostgreSQL, naming its host and port", async () => {
    const server = createServer((socket) => socket.resume().end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const error = await openRunStore({ checkpointer: `postgres://moa@127.0.0.1:${port}/runs` }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "database_protocol_error", category: "environment", exitCode: 3 });
      expect((error as Error).message).toContain(`the server at 127.0.0.1:${port} did not speak the PostgreSQL protocol`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reports a connection that did not come up in time as unreachable, like ETIMEDOUT", () => {
    const timeout = new Error("Connection terminated due to connection timeout");
    expect(postgresOpenFailure(timeout, "postgres://moa@db.example:5432/runs").code).toBe("database_unreachable");
  });

  it("reports an unknown host as unreachable", () => {
    const unknownHost = Object.assign(new Error("getaddrinfo ENOTFOUND db.invalid"), { code: "ENOTFOUND" });
    expect(postgresOpenFailure(unknownHost, "postgres://moa@db.invalid/runs").code).toBe("database_unreachable");
  });

  it.skipIf(!postgresAvailable)("reports a database the server does not have with its name", async () => {
    const missing = new URL(postgresUrl);
    missing.pathname = "/no_such_database_for_moa";
    const error = await openRunStore({ checkpointer: missing.toString() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "database_not_found", exitCode: 3 });
    expect((error as RunStoreError).fix).toContain("createdb no_such_database_for_moa");
  });
});
