import { CommanderError } from "commander";
import { ConfigError, type ConfigIssue } from "../errors/ConfigError.js";
import { isMoAError, type MoAErrorCategory } from "../errors/MoAError.js";
import { redactCredentials } from "../util/redactCredentials.js";
import { EXIT } from "./exitCodes.js";
import { resumableThreadOf, type ResumableThread } from "./resumableThread.js";

/** What `--json` prints on stdout when a command fails. */
export interface ErrorDocument {
  error: {
    /** Stable identifier (`invalid_config`, `backend_unreachable`, `unknown_option`, ...): branch on this. */
    code: string;
    category: MoAErrorCategory;
    /** The exit code the process ends with. */
    exitCode: number;
    /** Written for people; may change between versions. */
    message: string;
    fix?: string;
    /** Of a configuration error (`invalid_config`): each problem, with the path of its field. */
    issues?: ConfigIssue[];
    /** The thread a `moa resume` can finish, when the run left one. */
    thread?: ResumableThread;
  };
}

/**
 * Whether the command line asks for JSON output: `--json` before any `--` (after which words are the question).
 *
 * @example
 * wantsJson(["node", "moa", "run", "hi", "--json"]); // true
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/**
 * The failure document of `--json`, with the same exit code as the human report. Errors of this package keep
 * their code, category and fix; command-line errors become usage errors named after commander's code
 * (`commander.unknownOption` -> `unknown_option`); anything else is an unexpected failure (exit 1).
 *
 * @example
 * process.stdout.write(`${JSON.stringify(errorDocument(error), null, 2)}\n`);
 */
export function errorDocument(error: unknown): ErrorDocument {
  const thread = resumableThreadOf(error);
  const withThread = thread ? { thread } : {};
  if (isMoAError(error)) {
    const { code, category, exitCode, fix } = error;
    return {
      error: {
        code,
        category,
        exitCode,
        message: clean(withoutHint(error.message, thread)),
        ...(fix !== undefined ? { fix: clean(fix) } : {}),
        ...(error instanceof ConfigError ? { issues: error.issues.map((i) => ({ path: i.path, message: clean(i.message) })) } : {}),
        ...withThread,
      },
    };
  }
  if (error instanceof CommanderError) {
    const code = error.code.replace(/^commander\./, "").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const message = error.message.replace(/^error: /, "");
    return { error: { code, category: "usage", exitCode: EXIT.usage, message, fix: "see `moa --help` or `moa <command> --help`" } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    error: { code: "unexpected", category: "run", exitCode: EXIT.runFailed, message: clean(withoutHint(message, thread)), ...withThread },
  };
}

// The human message ends with how to resume (on a line of its own, or as the last sentence of an interruption);
// the document says it in `thread.resume`.
function withoutHint(message: string, thread: ResumableThread | undefined): string {
  if (!thread) return message;
  for (const hint of [`\nResume with: ${thread.resume}`, `. Resume with: ${thread.resume}`])
    if (message.endsWith(hint)) return message.slice(0, -hint.length);
  return message;
}

// The document is read by programs, not terminals (no control-sequence stripping needed: JSON escapes them),
// but it may be logged or pasted: no URL credentials.
function clean(text: string): string {
  return redactCredentials(text);
}
