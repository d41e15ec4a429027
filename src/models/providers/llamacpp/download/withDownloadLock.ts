import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { sleep } from "../../../../policy/sleep.js";

/** Options of {@link withDownloadLock}. */
export interface DownloadLockOptions {
  signal?: AbortSignal;
  /** Called once when another process holds the lock and this one starts waiting. */
  onWait?: (holderPid: number) => void;
  /** How often a waiting process looks again. */
  pollMs?: number;
}

/**
 * Runs `fn` while holding `<destination>.lock`, so two processes (two `moa` commands, a CLI and a
 * server) never write the same `.partial` file at once. A lock whose process is gone is taken over;
 * one held by this process is not waited for (calls within a process already share one transfer).
 * Aborting `signal` stops the wait.
 *
 * @example
 * await withDownloadLock(destination, { signal }, () => downloadFile({ url, destination }));
 */
export async function withDownloadLock<T>(
  destination: string,
  { signal, onWait, pollMs = 250 }: DownloadLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = `${destination}.lock`;
  await mkdir(path.dirname(lock), { recursive: true });
  let waiting = false;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const handle = await open(lock, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await lockHolder(lock);
    if (holder === process.pid) return fn();
    if (holder === "stale") {
      await rm(lock, { force: true });
      continue;
    }
    if (!waiting && typeof holder === "number") onWait?.(holder);
    waiting = true;
    await sleep(pollMs, signal);
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

/** The pid in a lock file; "stale" when its process is gone; "starting" while the pid is being written. */
async function lockHolder(lock: string): Promise<number | "stale" | "starting"> {
  const text = await readFile(lock, "utf8").catch(() => undefined);
  if (text === undefined) return "stale"; // removed meanwhile: try again at once
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    // Created but not yet written by its owner, unless it has been like that for a while.
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => Infinity,
    );
    return age < 5_000 ? "starting" : "stale";
  }
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : "stale";
  }
}
