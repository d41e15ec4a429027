import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { checkPostgresTarget, postgresAddress } from "../../src/persistence/postgresTarget.js";

describe("checkPostgresTarget", () => {
  it.each(["postgres://moa@db/runs", "postgresql://moa:pw@[::1]:5432/runs", "postgres:///runs?host=/var/run/postgresql"])(
    "accepts %s",
    (target) => {
      expect(() => checkPostgresTarget(target, "--checkpointer")).not.toThrow();
    },
  );

  it.each(["postgres://moa@db:0/runs", "postgres://moa@db:65536/runs", "postgres://moa@db:54x/runs"])(
    "refuses the port of %s",
    (target) => {
      expect(() => checkPostgresTarget(target, "--checkpointer")).toThrow(
        /--checkpointer: port ".*" of .* is not a port number \(1-65535\)/,
      );
    },
  );

  it("refuses a connection string that does not parse as a configuration error", () => {
    expect(() => checkPostgresTarget("postgres://moa@db name/runs", "MOA_CHECKPOINTER")).toThrow(ConfigError);
  });
});

describe("postgresAddress", () => {
  it("fills in the driver's default host and port", () => {
    expect(postgresAddress("postgres:///runs")).toBe("localhost:5432");
  });
});
