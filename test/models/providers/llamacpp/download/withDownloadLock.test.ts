import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DownloadLockError,
  removeIfUnchanged,
  withDownloadLock,
} from "../../../../../src/models/providers/llamacpp/download/withDownloadLock.js";

const children: Array<{ kill(): void }> = [];
afterEach(() => children.splice(0).forEach((c) => c.kill()));

/** A live process that is not this one, to hold a lock. */
function otherProcess(): number {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
  children.push(child);
  return child.pid!;
}

describe("withDownloadLock", () => {
  it("waits while another live process holds the lock, then runs", async () => {
    const destination = path.join(mkdtempSync(path.join(tmpdir(), "moa-lock-")), "m.gguf");
    const holder = otherProcess();
    writeFileSync(`${destination}.lock`, String(holder));
    const waitedFor: number[] = [];
    let ran = false;
    const run = withDownloadLock(destination, { pollMs: 20, onWait: ({ pid }) => waitedFor.push(pid) }, async () => {
      ran = true;
      return "done";
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(ran).toBe(false);
    expect(waitedFor).toEqual([holder]);
    // The other process finishes and releases the lock.
    rmSync(`${destination}.lock`);
    await expect(run).resolves.toBe("done");
    expect(existsSync(`${destination}.lock`)).toBe(false);
  });

  it("takes over a lock whose process is gone", async () => {
    const destination = path.join(mkdtempSync(path.join(tmpdir(), "moa-lock-")), "m.gguf");
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => child.on("exit", r));
    writeFileSync(`${destination}.lock`, String(child.pid));
    await expect(withDownloadLock(destination, { pollMs: 20 }, async () => "mine")).resolves.toBe("mine");
  });

  it("stops waiting when aborted", async () => {
    const destination = path.join(mkdtempSync(path.join(tmpdir(), "moa-lock-")), "m.gguf");
    writeFileSync(`${destination}.lock`, String(otherProcess()));
    const controller = new AbortController();
    const run = withDownloadLock(destination, { pollMs: 20, signal: controller.signal }, async () => "never");
    setTimeout(() => controller.abort(new Error("user pressed Ctrl-C")), 60);
    await expect(run).rejects.toThrow("user pressed Ctrl-C");
  });

  it("records pid and host, and refreshes the lock while it holds it", async () => {
    const destination = path.join(mkdtempSync(path.join(tmpdir(), "moa-lock-")), "m.gguf");
    const lock = `${destination}.lock`;
    await withDownloadLock(destination, { heartbeatMs: 10 }, async () => {
      expect(JSON.parse(readFileSync(lock, "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
      const past = new Date(Date.now() - 60_000);
      utimesSync(lock, past, past);
      await vi.waitFor(() => expect(statSync(lock).mtimeMs).toBeGreaterThan(past.getTime() + 30_000));
    });
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over a lock naming a live unrelated process once it is no longer refreshed", async () => {
    const destination = path.join(mkdtempSync(path.join(tmpdir(), "moa-lock-")), "m.gguf");
    const lock = `${destination}.lock`;
    const pid = otherProcess();
    writeFileSync(lock, String(pid));
    const past = new Date(Date.now() - 10 * 60_000);
    utimesSync(lock, past, past);
    const reasons: string[] = [];
    const result = withDownloadLock(destination, { pollMs: 20, onTakeOver: (reason) => reasons.push(reason) }, async () => "mine");
    await expect(result).resolves.toBe("mine");
    expect(reasons).toEqual([
      expect.stringMatching(new RegExp(`^${lock.replace(/[.\\/]/g, "\\$&")} \\(pid ${pid}\\) was not refreshed for 10(\\.\\d)? min$`)),
    ]);
  });

  it("judges a lock from another host by its age alone", async () => {
    const destination = path.join(mkdtempSync(path.join(tmpdir(), "moa-lock-")), "m.gguf");
    const lock = `${destination}.lock`;
    // A pid that exists here says nothing about a process on another machine.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: "elsewhere.example" }));
    const waited: string[] = [];
    const run = withDownloadLock(
      destination,
      { pollMs: 20, staleMs: 300, onWait: (holder, file) => waited.push(`${holder.pid}@${holder.host} ${file}`) },
      async () => "mine",
    );
    await expect(run).resolves.toBe("mine");
    expect(waited).toEqual([`${process.pid}@elsewhere.example ${lock}`]);
  });

  it("gives up waiting for a lock that stays fresh, naming the lock file", async () => {
    const destination = path.join(mkdtempSync(path.join(tmpdir(), "moa-lock-")), "m.gguf");
    const lock = `${destination}.lock`;
    const pid = otherProcess();
    writeFileSync(lock, JSON.stringify({ pid, host: hostname() }));
    // A holder that keeps its lock fresh.
    const refresh = setInterval(() => utimesSync(lock, new Date(), new Date()), 10);
    try {
      const error = await withDownloadLock(destination, { pollMs: 20, staleMs: 200, maxWaitMs: 300 }, async () => "never").catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DownloadLockError);
      expect((error as DownloadLockError).message).toBe(`gave up after waiting 0.3 s for ${lock}, held by pid ${pid} and still refreshed`);
      expect((error as DownloadLockError).fix).toBe(`if no moa process is downloading this file, delete ${lock}`);
      expect(readFileSync(lock, "utf8")).toContain(String(pid));
    } finally {
      clearInterval(refresh);
    }
  });

  it("leaves a lock another process took over in place when it finishes", async () => {
    const destination = path.join(mkdtempSync(path.join(tmpdir(), "moa-lock-")), "m.gguf");
    const lock = `${destination}.lock`;
    const other = JSON.stringify({ pid: otherProcess(), host: hostname() });
    await withDownloadLock(destination, {}, async () => writeFileSync(lock, other));
    expect(readFileSync(lock, "utf8")).toBe(other);
  });
});

describe("taking over a stale lock", () => {
  it("leaves a fresh lock alone when another waiter replaced the stale one first", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "moa-lock-race-"));
    const lock = path.join(dir, "model.gguf.lock");
    const stale = JSON.stringify({ pid: 999_999_999, host: "gone" });
    const fresh = JSON.stringify({ pid: process.pid, host: "here" });
    // This waiter judged `stale` stale; meanwhile another took it over and wrote its own lock.
    writeFileSync(lock, fresh);
    expect(await removeIfUnchanged(lock, stale)).toBe(false);
    expect(readFileSync(lock, "utf8")).toBe(fresh);
    expect(readdirSync(dir)).toEqual(["model.gguf.lock"]);
  });

  it("removes the lock it judged stale", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "moa-lock-race-"));
    const lock = path.join(dir, "model.gguf.lock");
    const stale = JSON.stringify({ pid: 999_999_999, host: "gone" });
    writeFileSync(lock, stale);
    expect(await removeIfUnchanged(lock, stale)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});
