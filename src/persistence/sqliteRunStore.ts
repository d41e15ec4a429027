import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { DeltaSqliteSaver } from "./DeltaSqliteSaver.js";
import { emptyRunStore } from "./emptyRunStore.js";
import { LargeValueSerializer, type LargeValueStore } from "./LargeValueSerializer.js";
import { deleteSqliteThread } from "./deleteSqliteThread.js";
import { lockSqliteThread, sqliteThreadHolder } from "./lockSqliteThread.js";
import type { RunStore, ThreadSummary, TopologySource } from "./RunStore.js";
import { upgradeTopologySource } from "./upgradeTopologySource.js";

interface ThreadRow {
  thread_id: string;
  source: string;
  title: string;
  created_at: string;
  updated_at: string;
}

/**
 * A run store in one SQLite file: LangGraph's SqliteSaver tables plus `moa_threads`.
 *
 * @example
 * const store = openSqliteRunStore(defaultDbPath());
 */
export function openSqliteRunStore(file: string, { readOnly = false }: { readOnly?: boolean } = {}): RunStore {
  if (readOnly && file !== ":memory:" && !existsSync(file)) return emptyRunStore({ file });
  if (!readOnly && file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // Read-only for listing and showing, so a database the user may only read (a shared or archived file)
  // can still be inspected, and looking never changes it.
  const { db, dispose } = readOnly ? openForReading(file) : { db: new Database(file), dispose: () => undefined };
  if (!readOnly) {
    // WAL lets a second process (moa threads, moa show) read while a run writes.
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS moa_threads (
    thread_id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
  }
  const hasThreads = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'moa_threads'").get() !== undefined;
  const checkpointer = new DeltaSqliteSaver(db, new LargeValueSerializer(sqliteLargeValues(db, { readOnly })));
  const toSummary = (row: ThreadRow): ThreadSummary => ({
    threadId: row.thread_id,
    source: upgradeTopologySource(JSON.parse(row.source) as TopologySource),
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  return {
    description: `sqlite ${file}`,
    location: { kind: "sqlite", file },
    checkpointer,
    async recordThread({ threadId, source, title }) {
      const now = new Date().toISOString();
      db.prepare(
        `INSERT INTO moa_threads (thread_id, source, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(thread_id) DO UPDATE SET updated_at = excluded.updated_at, source = excluded.source`,
      ).run(threadId, JSON.stringify(source), title, now, now);
    },
    async getThread(threadId) {
      if (!hasThreads()) return undefined;
      const row = db.prepare("SELECT * FROM moa_threads WHERE thread_id = ?").get(threadId) as ThreadRow | undefined;
      return row ? toSummary(row) : undefined;
    },
    async listThreads(limit = 50) {
      if (!hasThreads()) return [];
      return (db.prepare("SELECT * FROM moa_threads ORDER BY updated_at DESC LIMIT ?").all(limit) as ThreadRow[]).map(toSummary);
    },
    lockThread(threadId, options) {
      return lockSqliteThread({ db, threadId, ...options });
    },
    async threadHolder(threadId) {
      return sqliteThreadHolder({ db, threadId });
    },
    async deleteThread(threadId) {
      return deleteSqliteThread({ db, threadId });
    },
    async close() {
      db.close();
      dispose();
    },
  };
}

/**
 * Opens a database for reading without changing anything beside it. SQLite creates a WAL database's `-wal`
 * and `-shm` files when a reader opens it while they are missing; created by another user, they would stop
 * the database's owner from writing it again. So the file is read in place only when those files exist
 * already (a run has it open) or this user owns it; otherwise, or when SQLite cannot read it in place (a
 * folder it may not write), a private copy is read, which is exact since no run is writing it.
 */
function openForReading(file: string): { db: Database.Database; dispose: () => void } {
  const owner = statSync(file).uid;
  const ownsFile = process.getuid === undefined || process.getuid() === owner;
  const inUse = existsSync(`${file}-wal`) && existsSync(`${file}-shm`);
  if (ownsFile || inUse) {
    const direct = new Database(file, { readonly: true, fileMustExist: true });
    try {
      direct.prepare("SELECT count(*) FROM sqlite_master").get();
      return { db: direct, dispose: () => undefined };
    } catch (error) {
      direct.close();
      if (!/readonly|unable to open/i.test((error as Error).message)) throw error;
    }
  }
  const copyDir = mkdtempSync(path.join(tmpdir(), "moa-read-"));
  const copy = path.join(copyDir, "runs.sqlite");
  copyFileSync(file, copy);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
  return { db: new Database(copy, { readonly: true }), dispose: () => rmSync(copyDir, { recursive: true, force: true }) };
}

/** Large checkpoint strings in the `moa_large_values` table of the run database. */
function sqliteLargeValues(db: Database.Database, { readOnly }: { readOnly: boolean }): LargeValueStore {
  // Bytes, not text: a model's answer may hold any character, NUL included.
  if (!readOnly) db.exec("CREATE TABLE IF NOT EXISTS moa_large_values (hash TEXT PRIMARY KEY, value BLOB NOT NULL)");
  return {
    async put(hash, value) {
      db.prepare("INSERT OR IGNORE INTO moa_large_values (hash, value) VALUES (?, ?)").run(hash, Buffer.from(value, "utf8"));
    },
    async get(hash) {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'moa_large_values'").get();
      if (!exists) return undefined;
      const row = db.prepare("SELECT value FROM moa_large_values WHERE hash = ?").get(hash) as { value: Buffer } | undefined;
      return row?.value.toString("utf8");
    },
  };
}
