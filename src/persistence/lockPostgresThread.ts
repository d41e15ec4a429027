import type pg from "pg";
import { sleep } from "../policy/sleep.js";
import type { ThreadLock, ThreadLockOptions } from "./RunStore.js";
import { ThreadBusyError } from "./ThreadBusyError.js";

const POLL_MS = 200;

/**
 * Takes the write lock of a thread in a PostgreSQL run database: a session advisory lock on a connection
 * kept for the run, so the server itself releases it when the run's process dies or its connection drops.
 * Waits up to `waitMs` for a live holder, then throws ThreadBusyError.
 *
 * @example
 * const lock = await lockPostgresThread({ pool, threadId: "t1", waitMs: 10_000 });
 */
export async function lockPostgresThread({
  pool,
  threadId,
  waitMs,
  signal,
  onWait,
}: { pool: pg.Pool; threadId: string } & ThreadLockOptions): Promise<ThreadLock> {
  const client = await pool.connect();
  const key = `moa-thread:${threadId}`;
  const started = Date.now();
  let announced = false;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { rows } = await client.query<{ taken: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken", [key]);
      if (rows[0]?.taken) break;
      const holder = await describeHolder(client, key);
      if (Date.now() - started >= waitMs) throw new ThreadBusyError({ threadId, holder, waitedMs: Date.now() - started });
      if (!announced) onWait?.(holder);
      announced = true;
      await sleep(POLL_MS, signal);
    }
  } catch (error) {
    client.release();
    throw error;
  }
  return {
    async release() {
      await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]).catch(() => undefined);
      client.release();
    },
  };
}

/** Who holds the lock, as far as the server can tell (the session's client address and application name). */
async function describeHolder(client: pg.PoolClient, key: string): Promise<string> {
  const { rows } = await client
    .query<{ pid: number; addr: string | null; app: string | null }>(
      `SELECT a.pid, host(a.client_addr) AS addr, a.application_name AS app FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted
         AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`,
      [key],
    )
    .catch(() => ({ rows: [] }));
  const session = rows[0];
  if (!session) return "a session of the PostgreSQL server";
  return `PostgreSQL session ${session.pid}${session.addr ? ` from ${session.addr}` : ""}${session.app ? ` (${session.app})` : ""}`;
}
