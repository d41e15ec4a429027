import { sleep } from "../policy/sleep.js";
import { RunStoreError } from "./RunStoreError.js";

// Waits before each new attempt. When the server ends every connection at once, the pool may still hand
// out idle ones it has not yet seen die; a short pause lets it notice, and a server that restarts gets time
// to accept connections again.
const RETRY_DELAYS_MS = [0, 200, 1_000];

/**
 * Runs a database operation, again when the connection it used was lost (up to three more times, with
 * short pauses); a loss that persists becomes a RunStoreError (exit 3), which the CLI completes with the
 * `moa resume` hint. Only for operations that are safe to repeat (reads, upserts).
 *
 * @example
 * const { rows } = await reconnecting(() => pool.query("SELECT 1"));
 */
export async function reconnecting<T>(operation: () => Promise<T>): Promise<T> {
  let lastLoss: unknown;
  for (const delay of [undefined, ...RETRY_DELAYS_MS]) {
    if (delay !== undefined && delay > 0) await sleep(delay);
    try {
      return await operation();
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      lastLoss = error;
    }
  }
  throw new RunStoreError(`the PostgreSQL run database stopped answering (${reasonOf(lastLoss)})`, {
    fix: "check that the server runs and accepts connections, then resume the run",
    cause: lastLoss,
  });
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
