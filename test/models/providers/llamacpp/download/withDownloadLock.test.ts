import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { withDownloadLock } from "../../../../../src/models/providers/llamacpp/download/withDownloadLock.js";

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
    const run = withDownloadLock(destination, { pollMs: 20, onWait: (pid) => waitedFor.push(pid) }, async () => {
      ran = true;
      return "done";
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(ran).toBe(false);
    expect(waitedFor).toEqual([holder]);
    // The other process finishes and releases the lock.
    const { rmSync } = await import("node:fs");
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
});
