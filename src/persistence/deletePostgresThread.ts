import type pg from "pg";
import { reconnecting } from "./reconnecting.js";

/**
 * Deletes a thread from a PostgreSQL run database in one transaction: its checkpoints, channel values and
 * writes, and its `moa_threads` row. (Its lock is a session advisory lock, which the server drops with the
 * session.) Returns whether the thread had anything stored.
 *
 * Large values (`moa_large_values`) are kept. They are shared by content across threads, and a run stores
 * one before writing the checkpoint that refers to it: a value no row refers to yet may be about to be
 * referred to by a run on another thread, so deleting it could lose that run's data.
 *
 * @example
 * await deletePostgresThread({ pool, threadId: "3f2a..." }); // true
 */
export async function deletePostgresThread({ pool, threadId }: { pool: pg.Pool; threadId: string }): Promise<boolean> {
  // A transaction that lost its connection rolled back whole: trying it again is safe.
  return reconnecting(async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      let found = 0;
      for (const table of ["checkpoint_blobs", "checkpoints", "checkpoint_writes", "moa_threads"])
        found += (await client.query(`DELETE FROM ${table} WHERE thread_id = $1`, [threadId])).rowCount ?? 0;
      await client.query("COMMIT");
      return found > 0;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  });
}
