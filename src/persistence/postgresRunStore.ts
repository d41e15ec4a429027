import pg from "pg";
import { DeltaPostgresSaver } from "./DeltaPostgresSaver.js";
import { LargeValueSerializer, type LargeValueStore } from "./LargeValueSerializer.js";
import { sleep } from "../policy/sleep.js";
import { deletePostgresThread } from "./deletePostgresThread.js";
import { lockPostgresThread, postgresThreadHolder } from "./lockPostgresThread.js";
import { reconnecting } from "./reconnecting.js";
import type { RunStore, ThreadSummary, TopologySource } from "./RunStore.js";
import { upgradeTopologySource } from "./upgradeTopologySource.js";

const CLOSE_GRACE_MS = 2_000;

/**
 * A run store in PostgreSQL (for teams and servers): LangGraph's PostgresSaver tables plus `moa_threads`.
 *
 * @example
 * const store = await openPostgresRunStore("postgres://moa@db.internal/moa");
 */
export async function openPostgresRunStore(connectionString: string, { readOnly = false }: { readOnly?: boolean } = {}): Promise<RunStore> {
  const pool = new pg.Pool({ connectionString, max: 5, connectionTimeoutMillis: 5_000 });
  // A connection the server drops (restart, failover, idle_session_timeout) reports an 'error' event: on the
  // pool when it was idle, on the client when it was in use. Without listeners that event crashes the process.
  // The pool discards the connection, a query in flight fails (and is tried again, see reconnecting), and the
  // next query opens a new connection, so there is nothing else to do here.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  const checkpointer = new DeltaPostgresSaver(pool, new LargeValueSerializer(postgresLargeValues(pool)));
  // A read-only role cannot run the migrations; reading needs none (missing tables read as no threads).
  if (!readOnly) await reconnecting(() => checkpointer.setup());
  else await reconnecting(() => pool.query("SELECT 1"));
  // Bytes, not text: PostgreSQL text cannot hold NUL, which a model's answer may.
  if (!readOnly)
    await reconnecting(() => pool.query("CREATE TABLE IF NOT EXISTS moa_large_values (hash TEXT PRIMARY KEY, value BYTEA NOT NULL)"));
  if (!readOnly)
    await reconnecting(() =>
      pool.query(`CREATE TABLE IF NOT EXISTS moa_threads (
    thread_id TEXT PRIMARY KEY, source JSONB NOT NULL, title TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`),
    );
  const toSummary = (row: {
    thread_id: string;
    source: TopologySource;
    title: string;
    created_at: Date;
    updated_at: Date;
  }): ThreadSummary => ({
    threadId: row.thread_id,
    source: upgradeTopologySource(row.source),
    title: row.title,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });
  const url = new URL(connectionString);
  return {
    description: `postgres ${url.host}${url.pathname}`,
    location: { kind: "postgres" },
    checkpointer,
    async recordThread({ threadId, source, title }) {
      await reconnecting(() =>
        pool.query(
          `INSERT INTO moa_threads (thread_id, source, title, created_at, updated_at) VALUES ($1, $2, $3, now(), now())
         ON CONFLICT (thread_id) DO UPDATE SET updated_at = now(), source = excluded.source`,
          [threadId, JSON.stringify(source), title],
        ),
      );
    },
    async getThread(threadId) {
      const { rows } = await reconnecting(() => pool.query("SELECT * FROM moa_threads WHERE thread_id = $1", [threadId])).catch(noTable);
      return rows[0] ? toSummary(rows[0]) : undefined;
    },
    async listThreads(limit = 50) {
      const { rows } = await reconnecting(() => pool.query("SELECT * FROM moa_threads ORDER BY updated_at DESC LIMIT $1", [limit])).catch(
        noTable,
      );
      return rows.map(toSummary);
    },
    lockThread(threadId, options) {
      return lockPostgresThread({ pool, threadId, ...options });
    },
    threadHolder(threadId) {
      return postgresThreadHolder({ pool, threadId });
    },
    deleteThread(threadId) {
      return deletePostgresThread({ pool, threadId });
    },
    async close() {
      // A query stuck on a connection that died (the server gone mid-write) never gives its client back, and
      // pool.end() would wait for it forever: give it a moment, then let the process go.
      const grace = new AbortController();
      await Promise.race([pool.end(), sleep(CLOSE_GRACE_MS, grace.signal).catch(() => undefined)]);
      grace.abort();
    },
  };
}

// A database no run has written yet has no tables: reading it finds no threads.
function noTable(error: unknown): { rows: never[] } {
  if ((error as { code?: unknown }).code === "42P01") return { rows: [] };
  throw error;
}

/** Large checkpoint strings in the `moa_large_values` table of the run database. */
function postgresLargeValues(pool: pg.Pool): LargeValueStore {
  return {
    async put(hash, value) {
      await reconnecting(() =>
        pool.query("INSERT INTO moa_large_values (hash, value) VALUES ($1, $2) ON CONFLICT DO NOTHING", [hash, Buffer.from(value, "utf8")]),
      );
    },
    async get(hash) {
      const { rows } = await reconnecting(() =>
        pool.query<{ value: Buffer }>("SELECT value FROM moa_large_values WHERE hash = $1", [hash]),
      ).catch(noTable);
      return rows[0]?.value.toString("utf8");
    },
  };
}
