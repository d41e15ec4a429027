import { createInterface } from "node:readline/promises";
import { RunInterruptedError } from "../errors/RunInterruptedError.js";
import type { PrepareContext } from "../models/providers/ModelProvider.js";
import { createProgressRenderer } from "./progress/createProgressRenderer.js";
import { userMessage } from "./terminalText.js";

/** Options of {@link terminalPrepareContext}. */
export interface TerminalPrepareContextOptions {
  pull: boolean;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal | undefined;
  /** An unreachable server is an error (`moa models pull`) rather than left to the pre-flight. */
  strict?: boolean;
  /** Whether the user can be asked; default: stdin and stderr are terminals. */
  interactive?: boolean;
}

/**
 * How the CLI lets providers prepare models: progress bars and notes on stderr, and at a terminal a
 * `[Y/n]` question before a pull.
 *
 * @example
 * await prepareModels({ agents, context: terminalPrepareContext({ pull: false, stderr: process.stderr }) });
 */
export function terminalPrepareContext({
  pull,
  stderr,
  signal,
  strict = false,
  interactive,
}: TerminalPrepareContextOptions): PrepareContext {
  const canAsk = interactive ?? Boolean(process.stdin.isTTY && (stderr as NodeJS.WriteStream).isTTY);
  return {
    pull,
    strict,
    env: process.env,
    ...(signal ? { signal } : {}),
    ...(canAsk ? { confirm: (question: string) => ask(userMessage({ text: question, stream: stderr }), stderr) } : {}),
    notify: (line) => stderr.write(`${userMessage({ text: line, stream: stderr })}\n`),
    progress: (labels) => createProgressRenderer({ stream: stderr as NodeJS.WriteStream, labels }),
  };
}

async function ask(question: string, stderr: NodeJS.WritableStream): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: stderr });
  try {
    const answer = (await prompt.question(question)).trim().toLowerCase();
    return answer === "" || answer === "y" || answer === "yes";
  } catch {
    // readline rejects when the user presses Ctrl-C (or closes stdin) at the prompt.
    throw new RunInterruptedError("nothing was pulled");
  } finally {
    prompt.close();
  }
}
