/** How long a `/api/show` lookup may take before the default window is used instead. */
export const OLLAMA_SHOW_TIMEOUT_MS = 3_000;

/**
 * The context window an Ollama server gives `model`: the `num_ctx` parameter of its Modelfile when
 * set (that is what Ollama allocates), else the trained `<architecture>.context_length` from
 * `model_info`. Returns `undefined` when the server does not answer in time, answers with an error,
 * or reports neither. It never throws: a missing window must not fail a run.
 *
 * Ollama itself may run a model with a smaller context than its trained length (its server-wide
 * default context, `OLLAMA_CONTEXT_LENGTH`), truncating prompts silently; set `contextWindow` on
 * the agent (sent as `num_ctx`) to make budget and server agree.
 *
 * @example
 * await readOllamaContextWindow("http://127.0.0.1:11434", "qwen2.5:3b"); // 32768
 */
export async function readOllamaContextWindow(
  baseUrl: string,
  model: string,
  timeoutMs = OLLAMA_SHOW_TIMEOUT_MS,
): Promise<number | undefined> {
  try {
    const response = await fetch(`${baseUrl.replace(/\/$/, "")}/api/show`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return undefined;
    const body: unknown = await response.json();
    return isRecord(body) ? (numCtxOf(body.parameters) ?? contextLengthOf(body.model_info)) : undefined;
  } catch {
    return undefined;
  }
}

// `parameters` is the Modelfile's PARAMETER lines as text, e.g. "num_ctx 8192\nstop \"<|eot_id|>\"".
function numCtxOf(parameters: unknown): number | undefined {
  if (typeof parameters !== "string") return undefined;
  const match = /^\s*num_ctx\s+(\d+)\s*$/m.exec(parameters);
  return match ? positive(Number(match[1])) : undefined;
}

function contextLengthOf(modelInfo: unknown): number | undefined {
  if (!isRecord(modelInfo)) return undefined;
  const architecture = modelInfo["general.architecture"];
  if (typeof architecture === "string") {
    const value = positive(modelInfo[`${architecture}.context_length`]);
    if (value !== undefined) return value;
  }
  // Some conversions name the key after a different family than general.architecture says.
  const key = Object.keys(modelInfo).find((k) => k.endsWith(".context_length"));
  return key ? positive(modelInfo[key]) : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
