import { formatWithOptions } from "node:util";

/** Messages the LangSmith client printed, held back; see {@link captureTracingMessages}. */
export interface TracingMessages {
  /** Each message as it would have been printed, in order. */
  taken(): string[];
  /** Puts the console methods back. */
  restore(): void;
}

// Where the LangSmith client's own files are: its console calls are told apart by who made them.
const FROM_LANGSMITH = /[\\/]node_modules[\\/]langsmith[\\/]/;

/**
 * Holds back what the LangSmith client writes with `console.warn` / `console.error` (upload errors with
 * their stack traces, a server's raw reply, one line per retry), so the CLI can report it once, as
 * one warning per problem, after the run; calls from anywhere else go through unchanged.
 *
 * @example
 * const messages = captureTracingMessages({});
 * // ... run, flush ...
 * for (const text of messages.taken()) console.error(text);
 */
export function captureTracingMessages({ target = console }: { target?: Pick<Console, "warn" | "error"> }): TracingMessages {
  const held: string[] = [];
  const originals = { warn: target.warn, error: target.error };
  for (const method of ["warn", "error"] as const) {
    const original = originals[method];
    target[method] = (...args: unknown[]) => {
      if (FROM_LANGSMITH.test(new Error().stack ?? "")) held.push(formatWithOptions({ colors: false }, ...args));
      else original.apply(target, args);
    };
  }
  return {
    taken: () => [...held],
    restore: () => Object.assign(target, originals),
  };
}
