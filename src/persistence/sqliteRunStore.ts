import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { RunStore, ThreadSummary, TopologySource } from "./RunStore.js";

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
export function openSqliteRunStore(file: string): RunStore {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  // WAL lets a second process (moa threads, moa show) read while a run writes.
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE IF NOT EXISTS moa_threads (
    thread_id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
  const checkpointer = new SqliteSaver(db);
  const toSummary = (row: ThreadRow): ThreadSummary => ({
    threadId: row.thread_id,
    source: JSON.parse(row.source) as TopologySource,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  return {
    description: `sqlite ${file}`,
    checkpointer,
    async recordThread({ threadId, source, title }) {
      const now = new Date().toISOString();
      db.prepare(
        `INSERT INTO moa_threads (thread_id, source, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(thread_id) DO UPDATE SET updated_at = excluded.updated_at, source = excluded.source`,
      ).run(threadId, JSON.stringify(source), title, now, now);
    },
    async getThread(threadId) {
      const row = db.prepare("SELECT * FROM moa_threads WHERE thread_id = ?").get(threadId) as ThreadRow | undefined;
      return row ? toSummary(row) : undefined;
    },
    async listThreads(limit = 50) {
      return (db.prepare("SELECT * FROM moa_threads ORDER BY updated_at DESC LIMIT ?").all(limit) as ThreadRow[]).map(toSummary);
    },
    async close() {
      db.close();
    },
  };
}
