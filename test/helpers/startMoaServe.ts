import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { CLI, cliEnvironment } from "./runCli.js";

/** A `moa serve` process: its origin once it listens, its stderr so far, and how it ended. */
export interface MoaServeProcess {
  origin: string;
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
  /** Sends SIGKILL if it still runs. */
  kill(): void;
}

/**
 * Starts `moa serve <args> --port 0` from the built CLI and waits until it says where it listens.
 * Fails with the process's stderr when it exits first or does not listen within `timeoutMs`.
 */
export async function startMoaServe(
  args: string[],
  { env = {}, timeoutMs = 60_000 }: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<MoaServeProcess> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: cliEnvironment(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`moa serve did not listen within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
      const match = /serving \d+ model\(s\) at (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`moa serve exited with ${code} before listening; stderr:\n${stderr}`));
    });
  });
  return { origin, child, stderr: () => stderr, exited, kill: () => child.kill("SIGKILL") };
}
