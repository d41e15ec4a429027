import { MoAError } from "../../errors/MoAError.js";
import { describeError } from "../../models/describeError.js";
import { fetchWithBodyLimit } from "../../models/fetchWithBodyLimit.js";
import { fetchWithTimeout } from "../../models/fetchWithTimeout.js";
import { refuseRedirects } from "../../models/refuseRedirects.js";
import { redactCredentials } from "../../util/redactCredentials.js";
import { stripTerminalControls } from "../../util/stripTerminalControls.js";

/** Options of {@link setOllamaKeepAlive}. */
export interface SetOllamaKeepAliveOptions {
  baseUrl: string;
  model: string;
  /** -1 loads the model and keeps it; 0 unloads it now; "5m" restores Ollama's default expiry. */
  keepAlive: number | string;
  /** Loading a large model from disk can take minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const ANSWER_MAX_BYTES = 64 * 1024;

/**
 * Loads, pins or unloads a model on an Ollama server: a generate request without a prompt only sets the
 * model's keep-alive (documented Ollama behaviour), loading the model first when it is not resident.
 *
 * @example
 * await setOllamaKeepAlive({ baseUrl: "http://gpu-1:11434", model: "qwen2.5:7b", keepAlive: -1 });
 */
export async function setOllamaKeepAlive({
  baseUrl,
  model,
  keepAlive,
  timeoutMs = 600_000,
  signal,
}: SetOllamaKeepAliveOptions): Promise<void> {
  const fetchBounded = refuseRedirects(
    fetchWithBodyLimit({ inner: fetchWithTimeout(timeoutMs), maxBodyBytes: ANSWER_MAX_BYTES, limitSource: "a keep-alive answer" }),
  );
  const where = redactCredentials(baseUrl);
  const action = keepAlive === 0 ? "unload" : "load";
  let response: Response;
  try {
    response = await fetchBounded(`${baseUrl.replace(/\/+$/, "")}/api/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, keep_alive: keepAlive, stream: false }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new MoAError(`could not ${action} ${model} on ${where}: ${describeError(error)}`, {
      code: "worker_unreachable",
      category: "environment",
      fix: `check that Ollama runs at ${where} (the worker's endpoint in the workload)`,
      cause: error,
    });
  }
  const text = await response.text();
  if (response.ok) return;
  // The server's words are untrusted: bounded, on one line, without terminal controls.
  const said = /"error"\s*:\s*"([^"]{0,300})/.exec(text)?.[1];
  const reason = said === undefined ? `HTTP ${response.status}` : stripTerminalControls(said).replace(/\s+/g, " ").trim();
  const missing = response.status === 404;
  throw new MoAError(`could not ${action} ${model} on ${where}: ${reason}`, {
    code: missing ? "worker_model_missing" : "worker_load_failed",
    category: "environment",
    ...(missing ? { fix: `pull it on that worker: OLLAMA_HOST=${where} ollama pull ${model}` } : {}),
  });
}
