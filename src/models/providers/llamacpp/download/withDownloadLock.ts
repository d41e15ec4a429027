import { hostname } from "node:os";
import { link, mkdir, open, readFile, rename, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { MoAError } from "../../../../errors/MoAError.js";
import { sleep } from "../../../../policy/sleep.js";
import { isProcessAlive } from "../../../../util/isProcessAlive.js";

/** Who a lock file says holds it. */
export interface DownloadLockHolder {
  pid: number;
  /** `undefined` for a lock written by an older version (a bare pid). */
  host: string | undefined;
}

/** Options of {@link withDownloadLock}. */
export interface DownloadLockOptions {
  signal?: AbortSignal;
  /** Called once when another process holds the lock and this one starts waiting. */
  onWait?: (holder: DownloadLockHolder, lock: string) => void;
  /** Called when a stale lock is taken over, with why it was judged stale. */
  onTakeOver?: (reason: string, lock: string) => void;
  /** How often a waiting process looks again. Default 250 ms. */
  pollMs?: number;
  /** How often the holder refreshes the lock's modification time. Default 5 s. */
  heartbeatMs?: number;
  /** A lock not refreshed for this long is stale, whatever process it names. Default 30 s (six missed heartbeats). */
  staleMs?: number;
  /** The longest a process waits for a lock that stays fresh. Default 30 min. */
  maxWaitMs?: number;
}

/** The wait for another process's download lock ran out while that lock stayed fresh. */
export class DownloadLockError extends MoAError {
  readonly lock: string;
  constructor(message: string, lock: string) {
    super(message, {
      code: "download_locked",
      category: "environment",
      fix: `if no moa process is downloading this file, delete ${lock}`,
    });
    this.name = "DownloadLockError";
    this.lock = lock;
  }
}

const THIS_HOST = hostname();

/**
 * Runs `fn` while holding `<destination>.lock`, so two processes (two `moa` commands, a CLI and a
 * server) never write the same `.partial` file at once. The lock records the holder's pid and host,
 * and the holder refreshes its modification time every `heartbeatMs`. A waiter takes a lock over when
 * its process is gone (same host), or when it has not been refreshed for `staleMs`: that covers a pid
 * reused by an unrelated live process, a holder on another host sharing the cache folder, and a
 * crashed machine. A lock that stays fresh is waited for at most `maxWaitMs`. One held by this process
 * is not waited for (calls within a process already share one transfer). Aborting `signal` stops the wait.
 *
 * @throws {DownloadLockError} naming the lock file when `maxWaitMs` passes.
 * @example
 * await withDownloadLock(destination, { signal }, () => downloadFile({ url, destination }));
 */
export async function withDownloadLock<T>(
  destination: string,
  { signal, onWait, onTakeOver, pollMs = 250, heartbeatMs = 5_000, staleMs = 30_000, maxWaitMs = 30 * 60_000 }: DownloadLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = `${destination}.lock`;
  await mkdir(path.dirname(lock), { recursive: true });
  const started = Date.now();
  let waiting = false;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const handle = await open(lock, "wx");
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: THIS_HOST, since: new Date().toISOString() }));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const state = await inspectLock(lock, staleMs);
    if (state.kind === "mine") return fn();
    if (state.kind === "stale") {
      if (await removeIfUnchanged(lock, state.text)) {
        if (state.reason) onTakeOver?.(state.reason, lock);
      }
      continue;
    }
    if (state.kind === "held") {
      if (!waiting) onWait?.(state.holder, lock);
      waiting = true;
      if (Date.now() - started >= maxWaitMs) {
        throw new DownloadLockError(
          `gave up after waiting ${formatDuration(maxWaitMs)} for ${lock}, held by ${describeHolder(state.holder)} and still refreshed`,
          lock,
        );
      }
    }
    await sleep(pollMs, signal);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lock, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    // A waiter that judged this lock stale (this process stalled for longer than staleMs) owns it now.
    const holder = parseHolder((await readFile(lock, "utf8").catch(() => undefined)) ?? "");
    if (holder?.pid === process.pid && (holder.host === undefined || holder.host === THIS_HOST)) await rm(lock, { force: true });
  }
}

type LockState =
  | { kind: "mine" }
  | { kind: "held"; holder: DownloadLockHolder }
  | { kind: "starting" }
  /**
   * `text` is what the lock held when judged stale; `reason` is absent when the lock vanished meanwhile
   * (nothing to report, just try again).
   */
  | { kind: "stale"; text?: string; reason?: string };

async function inspectLock(lock: string, staleMs: number): Promise<LockState> {
  const [text, modified] = await Promise.all([
    readFile(lock, "utf8").catch(() => undefined),
    stat(lock).then(
      (s) => s.mtimeMs,
      () => undefined,
    ),
  ]);
  if (text === undefined || modified === undefined) return { kind: "stale" };
  const age = Date.now() - modified;
  const holder = parseHolder(text);
  if (!holder) {
    // Created but not yet written by its owner, unless it has been like that for a while.
    return age < 5_000 ? { kind: "starting" } : { kind: "stale", text, reason: `${lock} names no process` };
  }
  const sameHost = holder.host === undefined || holder.host === THIS_HOST;
  if (sameHost && holder.pid === process.pid) return { kind: "mine" };
  if (sameHost && !isProcessAlive(holder.pid)) return { kind: "stale", text, reason: `${describeHolder(holder)} named in ${lock} is gone` };
  // A live holder refreshes its lock; a pid reused by another process, or a holder on another host
  // that died, does not.
  if (age > staleMs)
    return { kind: "stale", text, reason: `${lock} (${describeHolder(holder)}) was not refreshed for ${formatDuration(age)}` };
  return { kind: "held", holder };
}

/**
 * Removes a lock judged stale, unless it changed since: two waiters may judge the same lock stale, and the
 * slower one must not delete the fresh lock the faster one made meanwhile. The rename is atomic, so only
 * one waiter moves the lock away; if what it moved is not the stale lock, it is put back (`link` refuses
 * when a lock exists again). Whether the stale lock was removed by this call.
 */
export async function removeIfUnchanged(lock: string, staleText: string | undefined): Promise<boolean> {
  if (staleText === undefined) return false;
  const aside = `${lock}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(lock, aside);
  } catch {
    return false; // gone already: another waiter took it over
  }
  const moved = await readFile(aside, "utf8").catch(() => undefined);
  if (moved !== staleText) await link(aside, lock).catch(() => undefined);
  await rm(aside, { force: true });
  return moved === staleText;
}

function parseHolder(text: string): DownloadLockHolder | undefined {
  const trimmed = text.trim();
  // Older versions wrote the bare pid.
  if (/^\d+$/.test(trimmed)) return Number(trimmed) > 0 ? { pid: Number(trimmed), host: undefined } : undefined;
  try {
    const value = JSON.parse(trimmed) as { pid?: unknown; host?: unknown } | null;
    if (value && Number.isInteger(value.pid) && (value.pid as number) > 0)
      return { pid: value.pid as number, host: typeof value.host === "string" ? value.host : undefined };
  } catch {
    /* not ours */
  }
  return undefined;
}

function describeHolder({ pid, host }: DownloadLockHolder): string {
  return `pid ${pid}${host !== undefined && host !== THIS_HOST ? ` on host ${host}` : ""}`;
}

function formatDuration(ms: number): string {
  return ms < 60_000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Number((ms / 60_000).toFixed(1))} min`;
}
