import { ConfigError } from "../errors/ConfigError.js";
import { redactCredentials } from "../util/redactCredentials.js";

// The authority of a connection string: `[user[:password]@]host[:port]`, the host possibly an IPv6 literal.
const AUTHORITY = /^postgres(?:ql)?:\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::([^/?#]*))?/i;

/** Where a PostgreSQL connection string came from, as the user wrote it: the option or the variable. */
export type PostgresTargetSource = "--checkpointer" | "MOA_CHECKPOINTER";

/**
 * Checks a PostgreSQL connection string before anything connects to it: the scheme, the syntax and the
 * port (1-65535). A string that fails is the configuration's problem (exit 2), named by `source`; the
 * password never appears in the message.
 *
 * @example
 * checkPostgresTarget("postgres://moa@db:99999/runs", "--checkpointer"); // throws ConfigError ("... port 99999 ...")
 */
export function checkPostgresTarget(target: string, source: PostgresTargetSource): void {
  const shown = redactCredentials(target);
  const refuse = (message: string): never => {
    throw new ConfigError([{ path: source, message }]);
  };
  const authority = AUTHORITY.exec(target);
  if (!authority) refuse(`expected a postgres:// or postgresql:// connection string, got "${shown}"`);
  const port = authority?.[2];
  if (port !== undefined && port !== "" && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    refuse(`port "${port}" of "${shown}" is not a port number (1-65535)`);
  try {
    new URL(target);
  } catch {
    refuse(`"${shown}" is not a valid connection string (characters such as @ : / # in the user or password must be percent-encoded)`);
  }
}

/**
 * The `host:port` a connection string names, as the driver would use it (`localhost` and 5432 when left out).
 *
 * @example
 * postgresAddress("postgres://moa@db/runs"); // "db:5432"
 */
export function postgresAddress(target: string): string {
  try {
    const url = new URL(target);
    return `${url.hostname || "localhost"}:${url.port || "5432"}`;
  } catch {
    return "localhost:5432";
  }
}
