import { describeError, tlsProblemOf } from "../../describeError.js";
import type { OnTransferProgress, TransferProgress } from "../../progress.js";
import { MoAError } from "../../../errors/MoAError.js";

/** Raised when Ollama cannot pull a model; the message names the model, the server and the reason. */
export class OllamaPullError extends MoAError {
  readonly model: string;
  readonly baseUrl: string;
  /** Ollama's own error text, or what went wrong on the way to it. */
  readonly reason: string;
  /** HTTP status when the server answered with a non-2xx status. */
  readonly status: number | undefined;

  constructor({
    model,
    baseUrl,
    reason,
    status,
    cause,
  }: {
    model: string;
    baseUrl: string;
    reason: string;
    status?: number;
    cause?: unknown;
  }) {
    super(`could not pull "${model}" from ${baseUrl}: ${reason}${hintFor(reason)}`, {
      code: "pull_failed",
      category: "environment",
      cause,
    });
    this.name = "OllamaPullError";
    this.model = model;
    this.baseUrl = baseUrl;
    this.reason = reason;
    this.status = status;
  }
}

/** Options for {@link pullOllamaModel}. */
export interface PullOllamaModelOptions {
  /** Ollama server, e.g. `http://127.0.0.1:11434`. */
  baseUrl: string;
  /** Model name as `ollama pull` takes it, e.g. `qwen2.5:1.5b` or `llama3.2`. */
  model: string;
  /** Receives cumulative progress, about 10 times a second, then once with `done: true`. */
  onProgress?: OnTransferProgress;
  /** Cancels the pull; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
}

/** One line of Ollama's pull stream; every field is optional on the wire. */
interface PullStatusLine {
  status?: unknown;
  digest?: unknown;
  total?: unknown;
  completed?: unknown;
  error?: unknown;
}

// About 10 reports a second: enough for a smooth bar, few enough not to flood a log or a callback.
const REPORT_INTERVAL_MS = 100;

/**
 * Pulls a model into an Ollama server through `POST /api/pull`, reading its NDJSON status stream.
 * Ollama reports each layer (blob) on its own; this adds them up into one cumulative
 * {@link TransferProgress} whose `phase` is Ollama's status text (`pulling manifest`,
 * `pulling 6a0746a1ec1a`, `verifying sha256 digest`, ...). Resolves with the final report once Ollama
 * says `success`; an `{"error"}` line, a non-2xx answer, an unreachable server or a stream that ends
 * before `success` reject with {@link OllamaPullError}.
 *
 * @example
 * await pullOllamaModel({
 *   baseUrl: "http://127.0.0.1:11434",
 *   model: "qwen2.5:1.5b",
 *   onProgress: (p) => console.log(p.phase, p.completedBytes, p.totalBytes),
 * });
 */
export async function pullOllamaModel({
  baseUrl,
  model,
  onProgress,
  signal,
  fetch: fetchImpl = globalThis.fetch,
}: PullOllamaModelOptions): Promise<TransferProgress> {
  const server = baseUrl.replace(/\/+$/, "");
  const fail = (reason: string, extra: { status?: number; cause?: unknown } = {}): OllamaPullError =>
    new OllamaPullError({ model, baseUrl: server, reason, ...extra });
  // A cancelled pull is the caller's doing, not a pull failure: hand back their reason untouched.
  const rethrowIfAborted = (): void => {
    if (signal?.aborted) throw signal.reason;
  };

  let response: Response;
  try {
    response = await fetchImpl(`${server}/api/pull`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, stream: true }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    rethrowIfAborted();
    const why = tlsProblemOf(error)
      ? describeError(error)
      : `the Ollama server is not reachable (${describeError(error)}); start it with \`ollama serve\` or set OLLAMA_HOST`;
    throw fail(why, { cause: error });
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    rethrowIfAborted();
    throw fail(`HTTP ${response.status}: ${errorText(text) ?? (text.trim().slice(0, 200) || response.statusText)}`, {
      status: response.status,
    });
  }

  const layers = new Map<string, { total: number; completed: number }>();
  let phase: string | undefined;
  let succeeded = false;
  let lastReportAt = -Infinity;
  const snapshot = (): TransferProgress => {
    let completedBytes = 0;
    let totalBytes = 0;
    for (const layer of layers.values()) {
      completedBytes += layer.completed;
      totalBytes += layer.total;
    }
    return {
      id: model,
      label: model,
      completedBytes,
      ...(layers.size > 0 ? { totalBytes } : {}),
      ...(phase !== undefined ? { phase } : {}),
    };
  };

  try {
    for await (const line of ndjsonLines(response.body)) {
      const parsed = parseLine(line);
      if (!parsed) continue;
      if (parsed.error !== undefined) throw fail(String(parsed.error));
      const status = typeof parsed.status === "string" ? parsed.status : undefined;
      if (status === "success") {
        succeeded = true;
        continue;
      }
      const phaseChanged = status !== undefined && status !== phase;
      if (status !== undefined) phase = status;
      if (typeof parsed.digest === "string" && parsed.digest !== "") {
        const layer = layers.get(parsed.digest) ?? { total: 0, completed: 0 };
        // Ollama omits zero counts, and a retried part can report less than before: the bar never goes back.
        layer.total = Math.max(layer.total, finiteCount(parsed.total));
        layer.completed = Math.min(Math.max(layer.completed, finiteCount(parsed.completed)), layer.total);
        layers.set(parsed.digest, layer);
      }
      const now = performance.now();
      // Phase changes are few (a handful per model) and tell the user what a pause is about, so they skip the throttle.
      if (onProgress && (phaseChanged || now - lastReportAt >= REPORT_INTERVAL_MS)) {
        lastReportAt = now;
        onProgress(snapshot());
      }
    }
  } catch (error) {
    rethrowIfAborted();
    if (error instanceof OllamaPullError) throw error;
    throw fail(`the connection broke during the pull (${describeError(error)})`, { cause: error });
  }
  rethrowIfAborted();
  if (!succeeded) {
    throw fail(`the server ended the stream before reporting success${phase !== undefined ? ` (last status: "${phase}")` : ""}`);
  }

  const last = snapshot();
  // On success every layer is complete, even where the last progress line before it was skipped.
  const final: TransferProgress = { ...last, completedBytes: last.totalBytes ?? last.completedBytes, phase: "success", done: true };
  onProgress?.(final);
  return final;
}

/** Lines of an NDJSON body, whatever the chunking: partial lines are joined, blank lines dropped. */
async function* ndjsonLines(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string> {
  if (!body) return;
  const decoder = new TextDecoder();
  let buffered = "";
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffered.split("\n");
      buffered = done ? "" : (lines.pop() ?? "");
      for (const line of lines) if (line.trim() !== "") yield line;
      if (done) return;
    }
  } finally {
    // Stopping early (an error line) must not leave the connection open.
    await reader.cancel().catch(() => undefined);
  }
}

// A line that is not a JSON object is skipped: a truncated stream is still caught by the missing `success`.
function parseLine(line: string): PullStatusLine | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as PullStatusLine) : undefined;
  } catch {
    return undefined;
  }
}

function finiteCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

function errorText(body: string): string | undefined {
  const parsed = parseLine(body.trim());
  return parsed?.error === undefined ? undefined : String(parsed.error);
}

// Ollama's registry answers an unknown name or tag with a missing manifest.
function hintFor(reason: string): string {
  return /file does not exist|manifest unknown/i.test(reason) ? " (check the name at https://ollama.com/library)" : "";
}
