import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const testDataDir = mkdtempSync(path.join(tmpdir(), "moa-home-"));

const root = path.resolve(import.meta.dirname, "../..");
/** The built CLI, as `npx moa` runs it. */
export const CLI = path.join(root, "dist/src/cli/main.js");

/** Output of one CLI process. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to each stdout chunk. */
  stdoutTimes: Array<{ atMs: number; text: string }>;
  exitedAtMs: number;
}

/**
 * The clean, offline environment CLI processes run in. Runs persist by default: keep them in a throwaway
 * folder, never in the real home. Models too: a throwaway cache, and a Hugging Face endpoint that refuses
 * at once (no network in tests).
 */
export function cliEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    MOA_HOME: testDataDir,
    MOA_MODELS_DIR: path.join(testDataDir, "models"),
    MOA_DATASETS_DIR: path.join(testDataDir, "datasets"),
    MOA_EVAL_STORE: path.join(testDataDir, "eval-answers"),
    HF_ENDPOINT: "http://127.0.0.1:9",
    LANGSMITH_TRACING: "false",
    ...env,
  };
}

/** Runs the CLI as a child process with a clean, offline environment. */
export function runCli(
  args: string[],
  {
    env = {},
    input,
    timeoutMs = 30_000,
    signalOnFirstOutput,
    onSpawn,
    withoutRootFileAccess = false,
  }: {
    env?: Record<string, string>;
    input?: string;
    timeoutMs?: number;
    signalOnFirstOutput?: NodeJS.Signals;
    onSpawn?: (child: ChildProcess) => void;
    /**
     * Runs the CLI without root's right to read any file whatever its mode (the capabilities
     * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, dropped with util-linux's `setpriv`), so a test run
     * as root can still meet a file it may not read. The process stays root, so it reads the repository.
     */
    withoutRootFileAccess?: boolean;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const [command, commandArgs] = withoutRootFileAccess
      ? ["setpriv", ["--bounding-set", "-dac_override,-dac_read_search", process.execPath, CLI, ...args]]
      : [process.execPath, [CLI, ...args]];
    const child = spawn(command, commandArgs, {
      cwd: root,
      env: cliEnvironment(env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    onSpawn?.(child);
    const result: CliResult = { code: null, stdout: "", stderr: "", stdoutTimes: [], exitedAtMs: 0 };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`CLI did not exit within ${timeoutMs} ms; stderr: ${result.stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      if (signalOnFirstOutput && result.stdout === "") child.kill(signalOnFirstOutput);
      result.stdout += text;
      result.stdoutTimes.push({ atMs: performance.now() - started, text });
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => (result.stderr += text));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      result.code = code;
      result.exitedAtMs = performance.now() - started;
      resolve(result);
    });
    child.stdin.end(input ?? "");
  });
}
