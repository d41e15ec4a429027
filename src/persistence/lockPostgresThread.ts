import type pg from "pg";
import { sleep } from "../policy/sleep.js";
import type { ThreadLock, ThreadLockOptions } from "./RunStore.js";
import { reconnecting } from "./reconnecting.js";
import { RunStoreError } from "./RunStoreError.js";
import { ThreadBusyError } from "./ThreadBusyError.js";

const POLL_MS = 200;

/**
 * Takes the write lock of a thread in a PostgreSQL run database: a session advisory lock on a connection
 * kept for the run, so the server itself releases it when the run's process dies. That session is exempt from
 * the server's idle timeouts; if the server ends it anyway (a restart, `pg_terminate_backend`), the lock is
 * taken back at once on a new session, and when another run got it first, `lost` aborts so this run stops.
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
  const key = `moa-thread:${threadId}`;
  const session = await openLockSession(pool);
  const started = Date.now();
  let announced = false;
  try {
    for (;;) {
      signal?.throwIfAborted();
      if (await tryLock(session, key)) break;
      const holder = await describeHolder(session, key);
      if (Date.now() - started >= waitMs) throw ThreadBusyError.busy({ threadId, holder, waitedMs: Date.now() - started });
      if (!announced) onWait?.(holder);
      announced = true;
      await sleep(POLL_MS, signal);
    }
  } catch (error) {
    session.release();
    throw error;
  }

  const lost = new AbortController();
  // The session currently holding the lock, or undefined between its end and a new one.
  let holding: pg.PoolClient | undefined = session;
  let released = false;
  const onEnd = () => void retake();
  const retake = async (): Promise<void> => {
    holding?.release(true);
    holding = undefined;
    if (released) return;
    let next: pg.PoolClient | undefined;
    try {
      // The pool may first hand out idle sessions the server ended too: reconnecting tries again, a moment apart.
      next = await reconnecting(async () => {
        const candidate = await openLockSession(pool);
        try {
          if (await tryLock(candidate, key)) return candidate;
          candidate.release(true);
          return undefined;
        } catch (error) {
          candidate.release(true);
          throw error;
        }
      });
    } catch (error) {
      const lastLoss = error instanceof RunStoreError && error.cause instanceof Error ? error.cause : error;
      const reason = lastLoss instanceof Error ? lastLoss.message : String(lastLoss);
      lost.abort(ThreadBusyError.lost({ threadId, why: `its database session ended and no new one could be opened: ${reason}` }));
      return;
    }
    if (released) {
      next?.release(true);
      return;
    }
    if (!next) {
      lost.abort(ThreadBusyError.lost({ threadId, why: "its database session ended and another run took the thread" }));
      return;
    }
    holding = next;
    next.once("end", onEnd);
  };
  session.once("end", onEnd);
  return {
    lost: lost.signal,
    async release() {
      released = true;
      const current = holding;
      holding = undefined;
      if (!current) return;
      current.removeListener("end", onEnd);
      await current.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]).catch(() => undefined);
      current.release();
    },
  };
}

/** A pooled connection for holding a lock: the server's idle timeouts must not end it while the run works. */
async function openLockSession(pool: pg.Pool): Promise<pg.PoolClient> {
  const session = await pool.connect();
  // Servers before PostgreSQL 14 have no idle_session_timeout: nothing to switch off there.
  await session.query("SET idle_session_timeout = 0").catch(() => undefined);
  await session.query("SET idle_in_transaction_session_timeout = 0").catch(() => undefined);
  return session;
}

async function tryLock(session: pg.PoolClient, key: string): Promise<boolean> {
  const { rows } = await session.query<{ taken: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken", [key]);
  return rows[0]?.taken === true;
}

/**
 * Who holds a thread's lock in a PostgreSQL run database right now, or undefined when no session does. Only
 * looks (no lock is taken), so it works with a role that may only read.
 *
 * @example
 * await postgresThreadHolder({ pool, threadId: "t1" }); // "PostgreSQL session 4242 from 10.0.0.7 (moa)"
 */
export async function postgresThreadHolder({ pool, threadId }: { pool: pg.Pool; threadId: string }): Promise<string | undefined> {
  const { rows } = await reconnecting(() =>
    pool.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
         AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)) AS held`,
      [`moa-thread:${threadId}`],
    ),
  );
  return rows[0]?.held ? describeHolder(pool, `moa-thread:${threadId}`) : undefined;
}

/** Who holds the lock, as far as the server can tell (the session's client address and application name). */
async function describeHolder(client: pg.PoolClient | pg.Pool, key: string): Promise<string> {
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
