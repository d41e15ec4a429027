import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { sleep } from "../policy/sleep.js";
import type { ThreadLock, ThreadLockOptions } from "./RunStore.js";
import { ThreadBusyError } from "./ThreadBusyError.js";

interface LockRow {
  owner: string;
  pid: number;
  host: string;
  heartbeat_at: number;
}

// A holder refreshes its row this often; a row not refreshed for STALE_AFTER_MS belongs to a run that died
// (on this host or another), so a killed run never blocks its thread for long.
const HEARTBEAT_MS = 5_000;
const STALE_AFTER_MS = 30_000;
const POLL_MS = 200;

/**
 * Takes the write lock of a thread in a SQLite run database: a row in `moa_thread_locks`, written in an
 * immediate transaction so two processes cannot both take it. A row whose process is gone (same host) or
 * whose heartbeat stopped is taken over. Waits up to `waitMs` for a live holder, then throws ThreadBusyError.
 *
 * @example
 * const lock = await lockSqliteThread({ db, threadId: "t1", waitMs: 10_000 });
 * try { await run(); } finally { await lock.release(); }
 */
export async function lockSqliteThread({
  db,
  threadId,
  waitMs,
  signal,
  onWait,
}: { db: Database.Database; threadId: string } & ThreadLockOptions): Promise<ThreadLock> {
  db.exec(`CREATE TABLE IF NOT EXISTS moa_thread_locks (
    thread_id TEXT PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, heartbeat_at INTEGER NOT NULL)`);
  const owner = randomUUID();
  const host = hostname();
  const tryTake = db
    .transaction((): LockRow | undefined => {
      const held = db.prepare("SELECT owner, pid, host, heartbeat_at FROM moa_thread_locks WHERE thread_id = ?").get(threadId) as
        LockRow | undefined;
      if (held && !isStale(held, host)) return held;
      db.prepare(
        `INSERT INTO moa_thread_locks (thread_id, owner, pid, host, heartbeat_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(thread_id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, heartbeat_at = excluded.heartbeat_at`,
      ).run(threadId, owner, process.pid, host, Date.now());
      return undefined;
    })
    .immediate.bind(undefined);
  const started = Date.now();
  let announced = false;
  for (;;) {
    signal?.throwIfAborted();
    const holder = tryTake();
    if (!holder) break;
    const described = `pid ${holder.pid} on host ${holder.host}`;
    if (Date.now() - started >= waitMs) throw new ThreadBusyError({ threadId, holder: described, waitedMs: Date.now() - started });
    if (!announced) onWait?.(described);
    announced = true;
    await sleep(POLL_MS, signal);
  }
  const heartbeat = setInterval(() => {
    try {
      db.prepare("UPDATE moa_thread_locks SET heartbeat_at = ? WHERE thread_id = ? AND owner = ?").run(Date.now(), threadId, owner);
    } catch {
      // The database is closing or gone: the row goes stale by itself.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      if (db.open) db.prepare("DELETE FROM moa_thread_locks WHERE thread_id = ? AND owner = ?").run(threadId, owner);
    },
  };
}

function isStale(row: LockRow, host: string): boolean {
  if (Date.now() - row.heartbeat_at > STALE_AFTER_MS) return true;
  return row.host === host && !processAlive(row.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
