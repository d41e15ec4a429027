import type { PrepareContext } from "../models/providers/ModelProvider.js";
import { askYesNo, canAskAt } from "./askYesNo.js";
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
  const canAsk = interactive ?? canAskAt(stderr);
  return {
    pull,
    strict,
    env: process.env,
    ...(signal ? { signal } : {}),
    ...(canAsk
      ? {
          confirm: (question: string) =>
            askYesNo({
              question: userMessage({ text: question, stream: stderr }),
              stderr,
              byDefault: true,
              onInterrupt: "nothing was downloaded or pulled",
            }),
        }
      : {}),
    notify: (line) => stderr.write(`${userMessage({ text: line, stream: stderr })}\n`),
    progress: (labels) => createProgressRenderer({ stream: stderr as NodeJS.WriteStream, labels }),
  };
}
