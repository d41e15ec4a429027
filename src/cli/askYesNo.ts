import { createInterface } from "node:readline/promises";
import { RunInterruptedError } from "../errors/RunInterruptedError.js";

/** Options of {@link askYesNo}. */
export interface AskYesNoOptions {
  /** The question with its `[Y/n]` or `[y/N]` hint. */
  question: string;
  stderr: NodeJS.WritableStream;
  /** The answer when the user just presses Enter. */
  byDefault: boolean;
  /** What was left undone, for the interruption message when the user presses Ctrl-C at the prompt. */
  onInterrupt: string;
}

/**
 * Asks a yes/no question at the terminal (stdin, prompt on stderr).
 *
 * @example
 * if (await askYesNo({ question: "Pull it now? [Y/n] ", stderr, byDefault: true, onInterrupt: "nothing was pulled" })) pull();
 */
export async function askYesNo({ question, stderr, byDefault, onInterrupt }: AskYesNoOptions): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: stderr });
  try {
    const answer = (await prompt.question(question)).trim().toLowerCase();
    return answer === "" ? byDefault : answer === "y" || answer === "yes";
  } catch {
    // readline rejects when the user presses Ctrl-C (or closes stdin) at the prompt.
    throw new RunInterruptedError(onInterrupt);
  } finally {
    prompt.close();
  }
}

/** Whether the user can be asked: stdin and stderr are terminals. */
export function canAskAt(stderr: NodeJS.WritableStream): boolean {
  return Boolean(process.stdin.isTTY && (stderr as NodeJS.WriteStream).isTTY);
}
