import { RunStoreError } from "./RunStoreError.js";

/**
 * Runs a database operation, once more when the connection it used was lost; a second loss becomes a
 * RunStoreError (exit 3), which the CLI completes with the `moa resume` hint. Only for operations that
 * are safe to repeat (reads, upserts).
 *
 * @example
 * const { rows } = await reconnecting(() => pool.query("SELECT 1"));
 */
export async function reconnecting<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isConnectionLoss(error)) throw error;
    try {
      return await operation();
    } catch (again) {
      if (!isConnectionLoss(again)) throw again;
      throw new RunStoreError(`the PostgreSQL run database stopped answering (${reasonOf(again)})`, {
        fix: "check that the server runs and accepts connections, then resume the run",
        cause: again,
      });
    }
  }
}

// SQLSTATE classes 08 (connection exception) and 57P0x (operator intervention: shutdown, terminated
// backend), and the socket errors node-postgres reports when a connection dies or cannot be made.
function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (/^08/.test(code) || /^57P0/.test(code))) return true;
  if (typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"].includes(code)) return true;
  return /Connection terminated|Client was closed|not queryable|timeout exceeded when trying to connect/i.test(error.message);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
