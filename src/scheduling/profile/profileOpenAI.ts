import { responseByteLimit } from "../../models/answerLimits.js";
import { ModelsNotReadyError } from "../../models/ModelsNotReadyError.js";
import { UnexpectedResponseError } from "../../models/UnexpectedResponseError.js";
import { callFailure, errorMessageOf, postToServer, quoteServerText, readBodyText } from "./postToServer.js";
import type { CallTiming, ProfileCallsOptions } from "./types.js";

/**
 * Measures a model on an OpenAI-compatible server (vLLM, llama.cpp's server, LM Studio...), which
 * reports no timings: each prompt is streamed (`stream: true` with `stream_options.include_usage`)
 * and timed on this side. Prefill is the time to the first content token; generating time runs from
 * the first content token to the last; output tokens are `usage.completion_tokens`. There is no load
 * time to read: the caller estimates it from the first call's extra time to first token.
 *
 * @example
 * const calls = await profileOpenAI({ baseUrl: "http://gpu-2:8000", model: "Qwen/Qwen2.5-7B-Instruct", prompts, runs: 3, maxTokens: 256, timeoutMs: 600_000 });
 */
export async function profileOpenAI(options: ProfileCallsOptions): Promise<CallTiming[]> {
  const { prompts, runs, onCall } = options;
  const calls: CallTiming[] = [];
  const total = prompts.length * runs;
  for (let run = 0; run < runs; run++) {
    for (const prompt of prompts) {
      calls.push(await timeOneCall({ ...options, prompt }));
      onCall?.(calls.length, total);
    }
  }
  return calls;
}

async function timeOneCall({
  baseUrl,
  model,
  prompt,
  maxTokens,
  timeoutMs,
  signal,
}: ProfileCallsOptions & { prompt: string }): Promise<CallTiming> {
  const base = baseUrl.replace(/\/+$/, "");
  const server = `the OpenAI-compatible server at ${base}`;
  const startFix = "start the server on the worker, or correct the worker's endpoint.baseUrl";
  const started = performance.now();
  const response = await postToServer({
    url: `${base}/v1/chat/completions`,
    body: {
      model,
      messages: [{ role: "user", content: prompt }],
      max_tokens: maxTokens,
      stream: true,
      stream_options: { include_usage: true },
    },
    timeoutMs,
    maxBodyBytes: responseByteLimit(maxTokens),
    server,
    startFix,
    signal,
  });
  if (!response.ok) {
    const message = errorMessageOf(await readBodyText({ response, server, startFix, timeoutMs, signal }));
    if (response.status === 404 && /model/i.test(message))
      throw new ModelsNotReadyError(`${server} does not have the model "${model}": ${quoteServerText(message)}`, {
        code: "model_not_found",
        fix: "set the expert's model to one the server serves (GET /v1/models lists them)",
      });
    throw new ModelsNotReadyError(
      `${server} answered POST /v1/chat/completions for "${model}" with HTTP ${response.status}: ${quoteServerText(message)}`,
      {
        code: "server_error",
      },
    );
  }
  if (!/text\/event-stream/i.test(response.headers.get("content-type") ?? "")) {
    const text = await readBodyText({ response, server, startFix, timeoutMs, signal });
    throw new UnexpectedResponseError(
      `${server} did not stream its answer as server-sent events (${quoteServerText(text)}); is the endpoint's kind right?`,
      "check workers[].endpoint: kind openai streams /v1/chat/completions, kind ollama speaks /api/chat",
    );
  }
  let firstTokenAt: number | undefined;
  let lastTokenAt: number | undefined;
  let completionTokens: number | undefined;
  let promptTokens: number | undefined;
  let done = false;
  try {
    for await (const data of sseData(response.body!)) {
      if (data === "[DONE]") {
        done = true;
        break;
      }
      let chunk: { choices?: Array<{ delta?: { content?: unknown; reasoning_content?: unknown } }>; usage?: unknown; error?: unknown };
      try {
        chunk = JSON.parse(data) as typeof chunk;
      } catch {
        throw new UnexpectedResponseError(`${server} streamed an event that is not JSON (${quoteServerText(data)})`);
      }
      if (chunk.error !== undefined)
        throw new ModelsNotReadyError(`${server} failed mid-stream for "${model}": ${quoteServerText(errorMessageOf(data))}`, {
          code: "server_error",
        });
      const delta = chunk.choices?.[0]?.delta;
      const text = [delta?.content, delta?.reasoning_content].filter((t): t is string => typeof t === "string").join("");
      if (text !== "") {
        const now = performance.now();
        firstTokenAt ??= now;
        lastTokenAt = now;
      }
      const usage = chunk.usage as { completion_tokens?: unknown; prompt_tokens?: unknown } | null | undefined;
      if (typeof usage?.completion_tokens === "number") completionTokens = usage.completion_tokens;
      if (typeof usage?.prompt_tokens === "number") promptTokens = usage.prompt_tokens;
    }
  } catch (error) {
    throw callFailure({ error, server, startFix, timeoutMs, signal });
  }
  if (!done) throw new UnexpectedResponseError(`${server} ended the stream for "${model}" before "data: [DONE]"`);
  if (completionTokens === undefined)
    throw new UnexpectedResponseError(
      `${server} sent no usage.completion_tokens for "${model}": there is no token count to measure`,
      "use a server that honours stream_options.include_usage (vLLM, llama.cpp's server and OpenAI do)",
    );
  if (firstTokenAt === undefined || lastTokenAt === undefined)
    throw new UnexpectedResponseError(`${server} streamed no content for "${model}": there is no first token to time`);
  return {
    loadSeconds: undefined,
    prefillSeconds: (firstTokenAt - started) / 1000,
    // The first token arrives at firstTokenAt: the others take the time up to the last one.
    generateSeconds: completionTokens > 1 ? ((lastTokenAt - firstTokenAt) / 1000) * (completionTokens / (completionTokens - 1)) : 0,
    outputTokens: completionTokens,
    promptTokens,
  };
}

/** The `data:` payloads of a server-sent events stream, one per event. */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (data.length > 0) yield data.join("\n");
        data = [];
      } else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
  }
  if (data.length > 0) yield data.join("\n");
}
