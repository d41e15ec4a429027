import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { UsageError } from "../errors/UsageError.js";
import { userMessage } from "./terminalText.js";

/** How long the CLI waits for LangSmith at exit unless MOA_TRACE_FLUSH_MS says otherwise. */
export const DEFAULT_TRACE_FLUSH_MS = 5_000;

const MAX_TRACE_FLUSH_MS = 600_000;

// The switches @langchain/core reads (any of them "true" turns tracing on); it does not export its check.
const TRACING_SWITCHES = ["LANGSMITH_TRACING_V2", "LANGCHAIN_TRACING_V2", "LANGSMITH_TRACING", "LANGCHAIN_TRACING"];

/** Whether LangChain traces this process's runs to LangSmith. */
export function isTracingOn({ env }: { env: NodeJS.ProcessEnv }): boolean {
  return TRACING_SWITCHES.some((name) => env[name] === "true");
}

/**
 * How long {@link flushTraces} may wait, from `MOA_TRACE_FLUSH_MS` (0 sends nothing more at exit).
 * Read at start-up, so that a bad value is refused before a run is paid for, not after.
 *
 * @example
 * const deadlineMs = traceFlushDeadlineMs({ env: process.env }); // 5000 unless set
 */
export function traceFlushDeadlineMs({ env }: { env: NodeJS.ProcessEnv }): number {
  const text = env.MOA_TRACE_FLUSH_MS;
  if (text === undefined || text.trim() === "") return DEFAULT_TRACE_FLUSH_MS;
  const ms = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || ms > MAX_TRACE_FLUSH_MS)
    throw new UsageError(`MOA_TRACE_FLUSH_MS: expected a whole number of milliseconds from 0 to ${MAX_TRACE_FLUSH_MS}, got "${text}"`, {
      code: "bad_trace_flush_ms",
    });
  return ms;
}

/** What {@link flushTraces} did: nothing (tracing off), waited until the client sent or gave up on every trace, or stopped waiting. */
export type TraceFlushOutcome = "off" | "finished" | "timedOut";

/** Options of {@link flushTraces}. */
export interface FlushTracesOptions {
  /** Longest wait; see {@link traceFlushDeadlineMs}. */
  deadlineMs: number;
  env?: NodeJS.ProcessEnv | undefined;
  stderr?: NodeJS.WritableStream | undefined;
  /** Sends what is still queued; default: LangChain's callback queue, then the LangSmith client's batches. */
  send?: (() => Promise<void>) | undefined;
  /** What the LangSmith client printed meanwhile (see captureTracingMessages): reported as warnings. */
  clientMessages?: (() => string[]) | undefined;
  /** Reports client messages whole (stack traces included) instead of their first lines. */
  debug?: boolean | undefined;
}

/** At most this many distinct client messages are shown; a failing upload repeats itself on every retry. */
const MAX_CLIENT_MESSAGES = 5;

/**
 * Sends the LangSmith traces still queued before the process exits. LangChain hands runs to LangSmith
 * in the background and batches the uploads, so a CLI that exits right after a run sends nothing.
 * The wait is bounded: a LangSmith that does not answer would otherwise keep the process alive for
 * minutes of upload retries. Traces left unsent are reported on stderr; the run's outcome is not
 * changed by them. Without tracing this does nothing.
 *
 * @example
 * await flushTraces({ deadlineMs: traceFlushDeadlineMs({ env: process.env }) });
 */
export async function flushTraces({
  deadlineMs,
  env = process.env,
  stderr = process.stderr,
  send = sendQueuedTraces,
  clientMessages = () => [],
  debug = false,
}: FlushTracesOptions): Promise<TraceFlushOutcome> {
  if (!isTracingOn({ env })) return "off";
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timedOut">((resolve) => (timer = setTimeout(() => resolve("timedOut"), deadlineMs)));
  const sent = send().then(
    () => "finished" as const,
    // The client reports its own upload errors; a failing flush must not turn a good run into a failed one.
    () => "finished" as const,
  );
  const outcome = await Promise.race([sent, deadline]);
  clearTimeout(timer);
  const where = endpointOrigin(env);
  reportClientMessages({ messages: clientMessages(), where, stderr, debug });
  if (outcome === "timedOut") {
    stderr.write(
      `warning: ${userMessage({
        text: `LangSmith traces not all sent within ${formatSeconds(deadlineMs)}${where ? ` (to ${where})` : ""}; the rest are dropped (MOA_TRACE_FLUSH_MS sets how long to wait, in milliseconds)`,
        stream: stderr,
      })}\n`,
    );
  }
  return outcome;
}

/** One warning per distinct message (its first line: the client's errors come with their stack). */
function reportClientMessages({
  messages,
  where,
  stderr,
  debug,
}: {
  messages: string[];
  where: string | undefined;
  stderr: NodeJS.WritableStream;
  debug: boolean;
}): void {
  // The client marks some of its messages "[LANGSMITH]:", which the warning's own prefix already says.
  const shown = messages.map((text) => (debug ? text : text.split("\n", 1)[0]!).replace(/^\[LANGSMITH\]:\s*/, "").trim());
  const distinct = [...new Set(shown.filter((text) => text !== ""))];
  for (const text of distinct.slice(0, MAX_CLIENT_MESSAGES))
    stderr.write(`warning: ${userMessage({ text: `LangSmith${where ? ` (${where})` : ""}: ${text}`, stream: stderr })}\n`);
  if (distinct.length > MAX_CLIENT_MESSAGES)
    stderr.write(`warning: LangSmith: ${distinct.length - MAX_CLIENT_MESSAGES} more messages like these\n`);
}

async function sendQueuedTraces(): Promise<void> {
  // Twice: the callback queue may hand the client its last runs (the graph's root run ends last)
  // after the client's own wait took stock of its queue.
  await awaitAllCallbacks();
  await awaitAllCallbacks();
}

/** Where traces go when an environment variable says so (its origin only: a URL may carry credentials). */
function endpointOrigin(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.LANGSMITH_ENDPOINT ?? env.LANGCHAIN_ENDPOINT;
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
