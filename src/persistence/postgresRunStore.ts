import pg from "pg";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type { RunStore, ThreadSummary, TopologySource } from "./RunStore.js";

/**
 * A run store in PostgreSQL (for teams and servers): LangGraph's PostgresSaver tables plus `moa_threads`.
 *
 * @example
 * const store = await openPostgresRunStore("postgres://moa@db.internal/moa");
 */
export async function openPostgresRunStore(connectionString: string): Promise<RunStore> {
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 5_000 });
  const checkpointer = new PostgresSaver(pool);
  await checkpointer.setup();
  await pool.query(`CREATE TABLE IF NOT EXISTS moa_threads (
    thread_id TEXT PRIMARY KEY, source JSONB NOT NULL, title TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`);
  const toSummary = (row: {
    thread_id: string;
    source: TopologySource;
    title: string;
    created_at: Date;
    updated_at: Date;
  }): ThreadSummary => ({
    threadId: row.thread_id,
    source: row.source,
    title: row.title,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });
  const url = new URL(connectionString);
  return {
    description: `postgres ${url.host}${url.pathname}`,
    checkpointer,
    async recordThread({ threadId, source, title }) {
      await pool.query(
        `INSERT INTO moa_threads (thread_id, source, title, created_at, updated_at) VALUES ($1, $2, $3, now(), now())
         ON CONFLICT (thread_id) DO UPDATE SET updated_at = now(), source = excluded.source`,
        [threadId, JSON.stringify(source), title],
      );
    },
    async getThread(threadId) {
      const { rows } = await pool.query("SELECT * FROM moa_threads WHERE thread_id = $1", [threadId]);
      return rows[0] ? toSummary(rows[0]) : undefined;
    },
    async listThreads(limit = 50) {
      const { rows } = await pool.query("SELECT * FROM moa_threads ORDER BY updated_at DESC LIMIT $1", [limit]);
      return rows.map(toSummary);
    },
    async close() {
      await pool.end();
    },
  };
}
