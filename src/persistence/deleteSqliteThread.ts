import type Database from "better-sqlite3";

const hasTable = (db: Database.Database, name: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/**
 * Deletes a thread from a SQLite run database in one short transaction: its checkpoints and writes, its
 * `moa_threads` row and its lock row. Returns whether the thread had anything stored.
 *
 * Large values (`moa_large_values`) are kept. They are shared by content across threads, and a run stores
 * one before writing the checkpoint that refers to it: a value no row refers to yet may be about to be
 * referred to by a run on another thread, so deleting it could lose that run's data.
 *
 * @example
 * deleteSqliteThread({ db, threadId: "3f2a..." }); // true
 */
export function deleteSqliteThread({ db, threadId }: { db: Database.Database; threadId: string }): boolean {
  return db
    .transaction((): boolean => {
      let found = 0;
      if (hasTable(db, "checkpoints")) {
        found += db.prepare("DELETE FROM checkpoints WHERE thread_id = ?").run(threadId).changes;
        found += db.prepare("DELETE FROM writes WHERE thread_id = ?").run(threadId).changes;
      }
      if (hasTable(db, "moa_threads")) found += db.prepare("DELETE FROM moa_threads WHERE thread_id = ?").run(threadId).changes;
      if (hasTable(db, "moa_thread_locks")) db.prepare("DELETE FROM moa_thread_locks WHERE thread_id = ?").run(threadId);
      return found > 0;
    })
    .immediate();
}
