import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { sleep } from "../policy/sleep.js";
import type { ThreadLock, ThreadLockOptions } from "./RunStore.js";
import { ThreadBusyError } from "./ThreadBusyError.js";
import { isProcessAlive } from "../util/isProcessAlive.js";

interface LockRow {
  owner: string;
  pid: number;
  host: string;
  heartbeat_at: number;
}

// A holder refreshes its row this often. A row from another host, whose process cannot be asked, is stale
// when not refreshed for STALE_AFTER_MS. On this host a row is stale when its process is gone; a live process
// (suspended with Ctrl-Z, a busy event loop) keeps its thread up to SAME_HOST_STALE_AFTER_MS, past which its
// pid more likely belongs to an unrelated process that reused it. A holder whose row was taken notices at its
// next heartbeat and stops.
const HEARTBEAT_MS = 5_000;
const STALE_AFTER_MS = 30_000;
const SAME_HOST_STALE_AFTER_MS = 10 * 60_000;
const POLL_MS = 200;

/**
 * Takes the write lock of a thread in a SQLite run database: a row in `moa_thread_locks`, written in an
 * immediate transaction so two processes cannot both take it. A row whose process is gone (this host), or
 * whose heartbeat stopped, is taken over; the holder notices at its next heartbeat and aborts `lost`. Waits up
 * to `waitMs` for a live holder, then throws ThreadBusyError.
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
  heartbeatMs = HEARTBEAT_MS,
}: {
  db: Database.Database;
  threadId: string;
  /** How often the holder refreshes its row and checks it still owns it (tests shorten it). */
  heartbeatMs?: number;
} & ThreadLockOptions): Promise<ThreadLock> {
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
    if (Date.now() - started >= waitMs) throw ThreadBusyError.busy({ threadId, holder: described, waitedMs: Date.now() - started });
    if (!announced) onWait?.(described);
    announced = true;
    await sleep(POLL_MS, signal);
  }
  const lost = new AbortController();
  const heartbeat = setInterval(() => {
    try {
      const { changes } = db
        .prepare("UPDATE moa_thread_locks SET heartbeat_at = ? WHERE thread_id = ? AND owner = ?")
        .run(Date.now(), threadId, owner);
      // Another process judged the row stale and took it (this one was suspended past the limit on another host).
      if (changes === 0) lost.abort(ThreadBusyError.lost({ threadId, why: "another process took it over" }));
    } catch {
      // The database is closing or gone: the row goes stale by itself.
    }
  }, heartbeatMs);
  heartbeat.unref();
  return {
    lost: lost.signal,
    async release() {
      clearInterval(heartbeat);
      if (db.open) db.prepare("DELETE FROM moa_thread_locks WHERE thread_id = ? AND owner = ?").run(threadId, owner);
    },
  };
}

function isStale(row: LockRow, host: string): boolean {
  const silentMs = Date.now() - row.heartbeat_at;
  if (row.host === host) return !isProcessAlive(row.pid) || silentMs > SAME_HOST_STALE_AFTER_MS;
  return silentMs > STALE_AFTER_MS;
}

/**
 * Who holds a thread's lock in a SQLite run database, as `pid N on host H`, or undefined when nobody does (no
 * row, or a stale one). Only reads, so it works on a database opened read-only.
 *
 * @example
 * sqliteThreadHolder({ db, threadId: "t1" }); // "pid 4242 on host build-1"
 */
export function sqliteThreadHolder({ db, threadId }: { db: Database.Database; threadId: string }): string | undefined {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'moa_thread_locks'").get() === undefined) return undefined;
  const row = db.prepare("SELECT owner, pid, host, heartbeat_at FROM moa_thread_locks WHERE thread_id = ?").get(threadId) as
    LockRow | undefined;
  return row && !isStale(row, hostname()) ? `pid ${row.pid} on host ${row.host}` : undefined;
}
