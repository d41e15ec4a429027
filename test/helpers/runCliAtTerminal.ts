import { spawn } from "node:child_process";
import path from "node:path";
import { CLI } from "./runCli.js";

const root = path.resolve(import.meta.dirname, "../..");

/** Output of the CLI run at a terminal: stdout and stderr arrive together, as the terminal showed them. */
export interface TerminalResult {
  code: number | null;
  output: string;
}

const quote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * Runs the CLI at a pseudo-terminal (util-linux `script`), so stdin and stderr are TTYs and the CLI
 * may ask; `input` is what the user types. The environment is clean and offline, as in `runCli`.
 */
export function runCliAtTerminal(
  args: string[],
  { env, input, timeoutMs = 30_000 }: { env: Record<string, string>; input: string; timeoutMs?: number },
): Promise<TerminalResult> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, CLI, ...args].map(quote).join(" ");
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LANGSMITH_TRACING: "false", TERM: "dumb", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`CLI did not exit within ${timeoutMs} ms; output: ${output}`));
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (text: string) => (output += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (output += text));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replaceAll("\r\n", "\n") });
    });
    // What the user types waits in the terminal until the CLI reads it.
    child.stdin.end(input);
  });
}
