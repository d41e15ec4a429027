import { responseByteLimit } from "../../models/answerLimits.js";
import { ModelsNotReadyError } from "../../models/ModelsNotReadyError.js";
import { UnexpectedResponseError } from "../../models/UnexpectedResponseError.js";
import { errorMessageOf, parseServerJson, postToServer, quoteServerText, readBodyText } from "./postToServer.js";
import type { CallTiming, ProfileCallsOptions } from "./types.js";

const NS_PER_SECOND = 1e9;
/** How long the model stays loaded between the measured calls. */
const KEEP_ALIVE = "10m";

/**
 * Measures a model on an Ollama server: unloads it first (`keep_alive: 0`, so the first call pays
 * the load and reports it as `load_duration`), then sends every prompt `runs` times with
 * `stream: false`, reading the timings (nanoseconds) of each answer.
 *
 * @example
 * const calls = await profileOllama({ baseUrl: "http://127.0.0.1:11434", model: "qwen2.5:7b", prompts, runs: 2, maxTokens: 256, timeoutMs: 600_000 });
 */
export async function profileOllama(options: ProfileCallsOptions): Promise<CallTiming[]> {
  const { baseUrl, model, prompts, runs, maxTokens, onCall } = options;
  const base = baseUrl.replace(/\/+$/, "");
  const server = `the Ollama server at ${base}`;
  const context = { ...options, base, server };
  await chat({ ...context, body: { model, messages: [], keep_alive: 0, stream: false }, what: "the unload request" });
  const calls: CallTiming[] = [];
  const total = prompts.length * runs;
  for (let run = 0; run < runs; run++) {
    for (const prompt of prompts) {
      const answer = await chat({
        ...context,
        body: {
          model,
          messages: [{ role: "user", content: prompt }],
          stream: false,
          keep_alive: KEEP_ALIVE,
          options: { num_predict: maxTokens },
        },
        what: "POST /api/chat",
      });
      calls.push(timingOf({ answer, server, model }));
      onCall?.(calls.length, total);
    }
  }
  return calls;
}

async function chat({
  base,
  server,
  model,
  body,
  what,
  maxTokens,
  timeoutMs,
  signal,
}: ProfileCallsOptions & { base: string; server: string; body: unknown; what: string }): Promise<Record<string, unknown>> {
  const startFix = "start Ollama on the worker (`ollama serve`), or correct the worker's endpoint.baseUrl";
  const response = await postToServer({
    url: `${base}/api/chat`,
    body,
    timeoutMs,
    maxBodyBytes: responseByteLimit(maxTokens),
    server,
    startFix,
    signal,
  });
  const text = await readBodyText({ response, server, startFix, timeoutMs, signal });
  if (response.status === 404 && /not found/i.test(errorMessageOf(text)))
    throw new ModelsNotReadyError(`${server} does not have the model "${model}"`, {
      code: "model_not_found",
      fix: `ollama pull ${model} (on the worker), or set the expert's model to one \`ollama list\` shows`,
    });
  if (!response.ok)
    throw new ModelsNotReadyError(
      `${server} answered ${what} for "${model}" with HTTP ${response.status}: ${quoteServerText(errorMessageOf(text))}`,
      {
        code: "server_error",
      },
    );
  const answer = parseServerJson({ text, server, what });
  if (typeof answer.error === "string")
    throw new ModelsNotReadyError(`${server} failed ${what} for "${model}": ${quoteServerText(answer.error)}`, { code: "server_error" });
  return answer;
}

/** The timings of one `stream: false` answer (or the final object of a stream). */
export function timingOf({ answer, server, model }: { answer: Record<string, unknown>; server: string; model: string }): CallTiming {
  const read = (field: string, required: boolean): number | undefined => {
    const value = answer[field];
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
    if (value === undefined && !required) return undefined;
    throw new UnexpectedResponseError(
      `${server} answered "${model}" without ${value === undefined ? "" : "a valid "}${field}: it gave no timings to measure`,
      "use an Ollama version that reports timings (any since 0.1.x does), or check that the endpoint is an Ollama server",
    );
  };
  if (answer.done !== true)
    throw new UnexpectedResponseError(
      `${server} answered "${model}" with an unfinished answer (done is not true); timings come with the final answer`,
    );
  const promptEvalNs = read("prompt_eval_duration", false);
  return {
    loadSeconds: (read("load_duration", false) ?? 0) / NS_PER_SECOND,
    // Ollama leaves prompt evaluation out when the whole prompt came from its cache.
    prefillSeconds: (promptEvalNs ?? 0) / NS_PER_SECOND,
    generateSeconds: read("eval_duration", true)! / NS_PER_SECOND,
    outputTokens: read("eval_count", true)!,
    promptTokens: read("prompt_eval_count", false),
  };
}
