import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { lockSqliteThread } from "../../src/persistence/lockSqliteThread.js";
import { isMoAError } from "../../src/errors/MoAError.js";
import { until } from "../helpers/until.js";

function freshDb(): Database.Database {
  return new Database(":memory:");
}

function plantLock(db: Database.Database, row: { pid: number; host: string; heartbeatAt: number }): void {
  db.exec(`CREATE TABLE IF NOT EXISTS moa_thread_locks (
    thread_id TEXT PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, heartbeat_at INTEGER NOT NULL)`);
  db.prepare("INSERT INTO moa_thread_locks VALUES ('t', 'someone', ?, ?, ?)").run(row.pid, row.host, row.heartbeatAt);
}

// The pid of a process that has exited (and, this soon after, has not been reused).
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

describe("lockSqliteThread", () => {
  it("refuses a thread held by a live process, naming it (code thread_busy)", async () => {
    const db = freshDb();
    plantLock(db, { pid: process.ppid, host: hostname(), heartbeatAt: Date.now() });
    const error = await lockSqliteThread({ db, threadId: "t", waitMs: 0 }).catch((e: unknown) => e);
    expect(isMoAError(error) && error.code).toBe("thread_busy");
    expect((error as Error).message).toContain(`pid ${process.ppid} on host ${hostname()}`);
  });

  it("takes over a lock whose process on this host is gone", async () => {
    const db = freshDb();
    plantLock(db, { pid: deadPid(), host: hostname(), heartbeatAt: Date.now() });
    const lock = await lockSqliteThread({ db, threadId: "t", waitMs: 0 });
    expect(db.prepare("SELECT pid FROM moa_thread_locks").get()).toEqual({ pid: process.pid });
    await lock.release();
  });

  it("keeps a thread held by a live process on this host whose heartbeat stopped (a suspended run)", async () => {
    const db = freshDb();
    plantLock(db, { pid: process.ppid, host: hostname(), heartbeatAt: Date.now() - 60_000 });
    const error = await lockSqliteThread({ db, threadId: "t", waitMs: 0 }).catch((e: unknown) => e);
    expect(isMoAError(error) && error.code).toBe("thread_busy");
  });

  it("tells the holder when another process took its thread over (code thread_lock_lost)", async () => {
    const db = freshDb();
    const lock = await lockSqliteThread({ db, threadId: "t", waitMs: 0, heartbeatMs: 20 });
    db.prepare("UPDATE moa_thread_locks SET owner = 'someone else'").run();
    await until(() => lock.lost.aborted, 5_000);
    expect(isMoAError(lock.lost.reason) && lock.lost.reason.code).toBe("thread_lock_lost");
    await lock.release();
    expect(db.prepare("SELECT owner FROM moa_thread_locks").get()).toEqual({ owner: "someone else" });
  });

  it("takes over a lock from another host whose heartbeat stopped", async () => {
    const db = freshDb();
    plantLock(db, { pid: 1, host: "elsewhere", heartbeatAt: Date.now() - 60_000 });
    const lock = await lockSqliteThread({ db, threadId: "t", waitMs: 0 });
    expect(db.prepare("SELECT host FROM moa_thread_locks").get()).toEqual({ host: hostname() });
    await lock.release();
  });

  it("waits for a live holder and takes the thread once it is released", async () => {
    const db = freshDb();
    const first = await lockSqliteThread({ db, threadId: "t", waitMs: 0 });
    const waits: string[] = [];
    const second = lockSqliteThread({ db, threadId: "t", waitMs: 10_000, onWait: (holder) => waits.push(holder) });
    await new Promise((r) => setTimeout(r, 300));
    await first.release();
    const lock = await second;
    expect(waits).toEqual([`pid ${process.pid} on host ${hostname()}`]);
    await lock.release();
    expect(db.prepare("SELECT count(*) AS n FROM moa_thread_locks").get()).toEqual({ n: 0 });
  });
});
