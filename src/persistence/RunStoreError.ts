import { MoAError } from "../errors/MoAError.js";

/**
 * The run database could not be opened: a PostgreSQL server that does not answer or refuses the
 * login, a SQLite file that cannot be created or read. Something outside the configuration, so the
 * CLI exits 3.
 *
 * @example
 * throw new RunStoreError("cannot open PostgreSQL at postgres://moa@db/runs (connect ECONNREFUSED)", { fix: "start the server" });
 */
export class RunStoreError extends MoAError {
  constructor(
    message: string,
    {
      code = "run_store_unavailable",
      ...options
    }: {
      /** Why a PostgreSQL database could not be opened (see postgresOpenFailure); `run_store_unavailable` otherwise. */
      code?: "run_store_unavailable" | "database_unreachable" | "database_login_refused" | "database_not_found" | "database_protocol_error";
      fix?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { code, category: "environment", ...options });
    this.name = "RunStoreError";
  }
}
