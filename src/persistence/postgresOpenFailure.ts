import { isMoAError } from "../errors/MoAError.js";
import { redactCredentials } from "../util/redactCredentials.js";
import { postgresAddress } from "./postgresTarget.js";
import { RunStoreError } from "./RunStoreError.js";

// Socket errors: the connection was refused, the host is not known or not routable, or nothing answered.
const UNREACHABLE_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"];
const WHERE = "--checkpointer / MOA_CHECKPOINTER";

/**
 * The one account of why a PostgreSQL run database could not be opened, so that `moa run`, `resume`, `show`
 * and `threads` say the same for the same connection string. It goes by the driver's error code: a socket
 * error (`database_unreachable`), SQLSTATE class 28 (`database_login_refused`), 3D000
 * (`database_not_found`), another SQLSTATE (`run_store_unavailable`), and no code at all, which node-postgres
 * gives when the peer closed the connection or answered something else than PostgreSQL
 * (`database_protocol_error`). Every one is the environment's problem (exit 3).
 *
 * @example
 * throw postgresOpenFailure(error, "postgres://moa@db/runs");
 */
export function postgresOpenFailure(error: unknown, target: string): RunStoreError {
  const driverError = driverErrorOf(error);
  const code = codeOf(driverError);
  const shown = redactCredentials(target);
  const reason = redactCredentials(driverError instanceof Error ? driverError.message : String(driverError));
  const database = databaseOf(target);
  if (code !== undefined && UNREACHABLE_CODES.includes(code))
    return new RunStoreError(`cannot reach the PostgreSQL server of ${shown} (${reason})`, {
      code: "database_unreachable",
      fix: `start the server (or check its host and port in ${WHERE}), or run with --no-persist`,
      cause: error,
    });
  if (code?.startsWith("28"))
    return new RunStoreError(`the PostgreSQL server of ${shown} refused the login (${reason})`, {
      code: "database_login_refused",
      fix: `check the user and password in ${WHERE} (or PGPASSWORD / ~/.pgpass), or run with --no-persist`,
      cause: error,
    });
  if (code === "3D000")
    return new RunStoreError(`the PostgreSQL server of ${shown} has no database ${database} (${reason})`, {
      code: "database_not_found",
      fix: `create it (createdb ${database}) or name an existing database in ${WHERE}, or run with --no-persist`,
      cause: error,
    });
  if (code === undefined)
    return new RunStoreError(
      `the server at ${postgresAddress(target)} did not speak the PostgreSQL protocol or closed the connection (${reason})`,
      {
        code: "database_protocol_error",
        fix: `check the host and port in ${WHERE}: they must be those of a PostgreSQL server; or run with --no-persist`,
        cause: error,
      },
    );
  return new RunStoreError(`cannot open PostgreSQL at ${shown} (${reason})`, {
    fix: `check the connection string of ${WHERE} (user, password, database) and the role's rights, or run with --no-persist`,
    cause: error,
  });
}

// A loss that outlasted the retries comes wrapped (see reconnecting): the driver's own error is its cause.
function driverErrorOf(error: unknown): unknown {
  let current = error;
  while (isMoAError(current) && current.cause !== undefined) current = current.cause;
  return current;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  // node-postgres gives up on a connection that does not come up in time with a message, not a code.
  if (error instanceof Error && /connection timeout|timeout exceeded when trying to connect/i.test(error.message)) return "ETIMEDOUT";
  return undefined;
}

function databaseOf(target: string): string {
  try {
    return decodeURIComponent(new URL(target).pathname.slice(1)) || "(default)";
  } catch {
    return "(default)";
  }
}
