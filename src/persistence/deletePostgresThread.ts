import type pg from "pg";
import { LARGE_VALUE_MARK, largeValueHashes } from "./LargeValueSerializer.js";
import { reconnecting } from "./reconnecting.js";

/**
 * Deletes a thread from a PostgreSQL run database in one transaction: its checkpoints, channel values and
 * writes, its `moa_threads` row, and each large value it referred to that no remaining checkpoint, value or
 * write refers to. (Its lock is a session advisory lock, which the server drops with the session.) Returns
 * whether the thread had anything stored.
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
      const like = `%${LARGE_VALUE_MARK}%`;
      const texts: string[] = [];
      const { rows: checkpoints } = await client.query<{ a: string; b: string }>(
        "SELECT checkpoint::text AS a, metadata::text AS b FROM checkpoints WHERE thread_id = $1 AND (checkpoint::text LIKE $2 OR metadata::text LIKE $2)",
        [threadId, like],
      );
      for (const row of checkpoints) texts.push(row.a, row.b);
      // Bytes (a value may hold anything): searched here rather than decoded by the server.
      for (const table of ["checkpoint_blobs", "checkpoint_writes"]) {
        const { rows } = await client.query<{ blob: Buffer | null }>(
          `SELECT blob FROM ${table} WHERE thread_id = $1 AND position($2::bytea IN blob) > 0`,
          [threadId, Buffer.from(LARGE_VALUE_MARK)],
        );
        for (const row of rows) if (row.blob) texts.push(row.blob.toString("latin1"));
      }
      let found = 0;
      for (const table of ["checkpoint_blobs", "checkpoints", "checkpoint_writes", "moa_threads"])
        found += (await client.query(`DELETE FROM ${table} WHERE thread_id = $1`, [threadId])).rowCount ?? 0;
      for (const hash of new Set(texts.flatMap(largeValueHashes))) {
        const { rowCount } = await client.query(
          `SELECT 1 FROM checkpoints WHERE checkpoint::text LIKE $1 OR metadata::text LIKE $1
           UNION ALL SELECT 1 FROM checkpoint_blobs WHERE position($2::bytea IN blob) > 0
           UNION ALL SELECT 1 FROM checkpoint_writes WHERE position($2::bytea IN blob) > 0 LIMIT 1`,
          [`%${hash}%`, Buffer.from(hash)],
        );
        if (rowCount === 0) await client.query("DELETE FROM moa_large_values WHERE hash = $1", [hash]);
      }
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
