import type Database from "better-sqlite3";
import { LARGE_VALUE_MARK, largeValueHashes } from "./LargeValueSerializer.js";

const hasTable = (db: Database.Database, name: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/**
 * Deletes a thread from a SQLite run database in one transaction: its checkpoints and writes, its `moa_threads`
 * row, its lock row, and each large value it referred to that no remaining checkpoint or write refers to.
 * Returns whether the thread had anything stored.
 *
 * @example
 * deleteSqliteThread({ db, threadId: "3f2a..." }); // true
 */
export function deleteSqliteThread({ db, threadId }: { db: Database.Database; threadId: string }): boolean {
  return db
    .transaction((): boolean => {
      const like = `%${LARGE_VALUE_MARK}%`;
      const texts: string[] = [];
      let found = 0;
      if (hasTable(db, "checkpoints")) {
        for (const row of db
          .prepare(
            `SELECT CAST(checkpoint AS TEXT) AS a, CAST(metadata AS TEXT) AS b FROM checkpoints WHERE thread_id = ? AND (CAST(checkpoint AS TEXT) LIKE ? OR CAST(metadata AS TEXT) LIKE ?)`,
          )
          .all(threadId, like, like) as Array<{ a: string | null; b: string | null }>)
          texts.push(row.a ?? "", row.b ?? "");
        for (const row of db
          .prepare("SELECT CAST(value AS TEXT) AS a FROM writes WHERE thread_id = ? AND CAST(value AS TEXT) LIKE ?")
          .all(threadId, like) as Array<{ a: string | null }>)
          texts.push(row.a ?? "");
        found += db.prepare("DELETE FROM checkpoints WHERE thread_id = ?").run(threadId).changes;
        found += db.prepare("DELETE FROM writes WHERE thread_id = ?").run(threadId).changes;
      }
      if (hasTable(db, "moa_threads")) found += db.prepare("DELETE FROM moa_threads WHERE thread_id = ?").run(threadId).changes;
      if (hasTable(db, "moa_thread_locks")) db.prepare("DELETE FROM moa_thread_locks WHERE thread_id = ?").run(threadId);
      const hashes = new Set(texts.flatMap(largeValueHashes));
      if (hashes.size > 0 && hasTable(db, "moa_large_values")) {
        const stillUsed = db.prepare(
          `SELECT 1 FROM checkpoints WHERE instr(CAST(checkpoint AS TEXT), @h) > 0 OR instr(CAST(metadata AS TEXT), @h) > 0
           UNION ALL SELECT 1 FROM writes WHERE instr(CAST(value AS TEXT), @h) > 0 LIMIT 1`,
        );
        const remove = db.prepare("DELETE FROM moa_large_values WHERE hash = ?");
        for (const hash of hashes) if (stillUsed.get({ h: hash }) === undefined) remove.run(hash);
      }
      return found > 0;
    })
    .immediate();
}
