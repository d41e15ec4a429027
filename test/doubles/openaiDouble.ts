/**
 * Loopback OpenAI-compatible server double (Chat Completions, Embeddings), so the real `ChatOpenAI`
 * and `OpenAIEmbeddings` (openai SDK) can be driven end to end over 127.0.0.1.
 *
 * Endpoints: POST /v1/chat/completions (JSON or Server-Sent Events), POST /v1/embeddings (float or
 * base64 vectors), GET /v1/models.
 * Errors use OpenAI's shape `{"error": {message, type, param, code}}`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  contentToText,
  isRecord,
  nowMs,
  parseJsonObject,
  readBody,
  roughTokenCount,
  sendJson,
  sleep,
  splitIntoChunks,
  startLoopbackServer,
  untilAborted,
  writeChunk,
  type RecordingDouble,
} from "./loopback.js";
import { hashedWordVector } from "./ollamaDouble.js";

/** One chat message as received (content flattened to text; raw parts kept in `raw`). */
export interface OpenAIRecordedMessage {
  role: string;
  content: string;
  raw: Record<string, unknown>;
}

/** What a reply callback sees of a request. */
export interface OpenAIChatRequest {
  model: string;
  messages: OpenAIRecordedMessage[];
}

/**
 * Failure modes.
 * - `http500` / `http401`: that status with OpenAI's error JSON, before any body.
 * - `hang`: never answers until the client disconnects or the double closes.
 */
export type OpenAIFailure = "http500" | "http401" | "hang";

/** How one model behaves. */
export interface OpenAIModelBehavior {
  /** Reply text or function of the request. Default: `[model] answer to: <last user msg, 80 chars>`. */
  reply?: string | ((req: OpenAIChatRequest) => string);
  /** Delay before the first byte (aborted early if the client disconnects). */
  latencyMs?: number;
  /** Delay between streamed chunks. Default 0. */
  chunkDelayMs?: number;
  /** Characters per streamed delta. Default 4. */
  chunkSize?: number;
  failure?: OpenAIFailure;
  /** Stream `reply` over and over, never finishing, until the client goes away (a server ignoring max_tokens). */
  endless?: boolean;
  /** Pads the `http500` error message to about this many bytes. */
  errorBodyBytes?: number;
  /** `usage.prompt_tokens` to report. Default: words across request messages. */
  promptTokens?: number;
  /** `usage.completion_tokens` to report. Default: words in the reply. */
  completionTokens?: number;
  /**
   * Vector for one input of POST /v1/embeddings. Default: `hashedWordVector` (from the Ollama double)
   * with `embeddingDimensions`; the double L2-normalises it, as OpenAI does. `latencyMs` and every
   * `failure` apply to /v1/embeddings too.
   */
  embed?: (text: string) => number[];
  /** Length of the default embedding vectors. Default 256. */
  embeddingDimensions?: number;
  /** Extra delay before the first byte of the first chat call to this model (a model being loaded). */
  firstCallLatencyMs?: number;
  /** Send no usage chunk even when `stream_options.include_usage` asks for one (servers that ignore it). */
  ignoreIncludeUsage?: boolean;
}

/** Options for {@link startOpenAIDouble}. */
export interface OpenAIDoubleOptions {
  models?: Record<string, OpenAIModelBehavior>;
  /** Unknown models echo instead of answering 404. */
  acceptAnyModel?: boolean;
  /** When set, requests whose `Authorization: Bearer <key>` differs get 401. */
  requireApiKey?: string;
  /**
   * Answer /v1/embeddings with float arrays even when `encoding_format: "base64"` was asked for, as
   * several OpenAI-compatible servers do.
   */
  embeddingsIgnoreEncodingFormat?: boolean;
}

/** One recorded POST /v1/chat/completions call (recorded even when it fails). */
export interface OpenAIRecordedCall extends OpenAIChatRequest {
  /** Numeric request fields as sent (undefined when absent). */
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  seed?: number;
  stream: boolean;
  /** `stream_options` as sent (ChatOpenAI sends `{include_usage: true}` when streaming). */
  stream_options?: Record<string, unknown>;
  /** Raw `Authorization` header, e.g. `Bearer test`. */
  authorization?: string;
  /** HTTP status sent (0 if none, e.g. hang). */
  status: number;
  /** Set when the call finishes; `"aborted"` when the client disconnected (or close() ran) first, e.g. on hang. */
  outcome?: "ok" | "notFound" | "badRequest" | "aborted" | OpenAIFailure;
  startedAt: number;
  endedAt?: number;
  /** Full parsed body. */
  body: Record<string, unknown>;
}

/** One recorded POST /v1/embeddings call (recorded even when it fails). */
export interface OpenAIRecordedEmbedCall {
  model: string;
  /** The inputs, a single string input given as a one-element list. */
  input: string[];
  /** Whether `input` was sent as a bare string rather than a list. */
  singleInput: boolean;
  /** `encoding_format` as sent (the openai SDK sends `"base64"` unless told otherwise). */
  encodingFormat?: unknown;
  dimensions?: unknown;
  authorization?: string;
  /** HTTP status sent (0 if none, e.g. hang). */
  status: number;
  outcome?: "ok" | "notFound" | "badRequest" | "aborted" | OpenAIFailure;
  /** Full parsed body. */
  body: Record<string, unknown>;
}

/** A running OpenAI double; its `url` has no `/v1`, so use `url + "/v1"` as `baseURL`. */
export type OpenAIDouble = RecordingDouble<OpenAIRecordedCall, OpenAIModelBehavior> & {
  /** Every POST /v1/embeddings call in arrival order (chat calls stay in `calls`). */
  readonly embedCalls: OpenAIRecordedEmbedCall[];
};

/** OpenAI's error body shape. */
export function openAIError(message: string, type: string, code: string | null): { error: Record<string, unknown> } {
  return { error: { message, type, param: null, code } };
}

/** Starts an OpenAI-compatible double on 127.0.0.1 with a free port. */
export async function startOpenAIDouble(options: OpenAIDoubleOptions = {}): Promise<OpenAIDouble> {
  const models = new Map<string, OpenAIModelBehavior>(Object.entries(options.models ?? {}));
  const calls: OpenAIRecordedCall[] = [];
  const embedCalls: OpenAIRecordedEmbedCall[] = [];
  const created = Math.floor(Date.now() / 1000);
  let counter = 0;
  // Models that have answered a chat call (by behaviour object), for `firstCallLatencyMs`.
  const warmedUp = new WeakSet<OpenAIModelBehavior>();

  const server = await startLoopbackServer(async (req, res, signal) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "POST" && path === "/v1/chat/completions") return handleChat(req, res, signal);
    if (req.method === "POST" && path === "/v1/embeddings") return handleEmbeddings(req, res, signal);
    if (req.method === "GET" && path === "/v1/models") {
      return sendJson(res, 200, {
        object: "list",
        data: [...models.keys()].map((id) => ({ id, object: "model", created, owned_by: "double" })),
      });
    }
    sendJson(res, 404, openAIError(`Invalid URL (${req.method} ${path})`, "invalid_request_error", null));
  });

  const handleEmbeddings = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> => {
    const body = parseJsonObject(await readBody(req));
    const rawInput = body?.input;
    const call: OpenAIRecordedEmbedCall = {
      model: typeof body?.model === "string" ? body.model : "",
      input:
        typeof rawInput === "string"
          ? [rawInput]
          : Array.isArray(rawInput)
            ? rawInput.map((v) => (typeof v === "string" ? v : JSON.stringify(v)))
            : [],
      singleInput: typeof rawInput === "string",
      encodingFormat: body?.encoding_format,
      dimensions: body?.dimensions,
      authorization: req.headers.authorization,
      status: 0,
      body: body ?? {},
    };
    embedCalls.push(call);
    signal.addEventListener("abort", () => void (call.outcome ??= "aborted"), { once: true });
    const fail = (
      status: number,
      error: { error: Record<string, unknown> },
      outcome: NonNullable<OpenAIRecordedEmbedCall["outcome"]>,
    ): void => {
      call.status = status;
      call.outcome ??= outcome;
      sendJson(res, status, error);
    };
    const invalid = (message: string): void => fail(400, openAIError(message, "invalid_request_error", null), "badRequest");

    if (options.requireApiKey !== undefined && call.authorization !== `Bearer ${options.requireApiKey}`) {
      return fail(401, openAIError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"), "http401");
    }
    if (!body) return invalid("We could not parse the JSON body of your request.");
    if (!call.model) return invalid("you must provide a model parameter");
    // Token-id inputs are valid for OpenAI but not modelled here; an empty input is invalid for OpenAI too.
    const textsOnly = typeof rawInput === "string" || (Array.isArray(rawInput) && rawInput.every((v) => typeof v === "string"));
    if (!textsOnly || call.input.length === 0 || call.input.some((t) => t === "")) {
      return invalid("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
    }
    const format = call.encodingFormat ?? "float";
    if (format !== "float" && format !== "base64")
      return invalid(`'${String(format)}' is not one of ['float', 'base64'] - 'encoding_format'`);
    const behavior = models.get(call.model) ?? (options.acceptAnyModel ? {} : undefined);
    if (!behavior) return fail(404, modelNotFound(call.model), "notFound");
    if (behavior.latencyMs && !(await sleep(behavior.latencyMs, signal))) return;
    if (behavior.failure === "hang") return untilAborted(signal);
    if (behavior.failure === "http401")
      return fail(401, openAIError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"), "http401");
    if (behavior.failure === "http500") {
      return fail(
        500,
        openAIError("The server had an error while processing your request. Sorry about that!", "server_error", null),
        "http500",
      );
    }

    const dims = typeof call.dimensions === "number" && call.dimensions > 0 ? Math.floor(call.dimensions) : undefined;
    const asBase64 = format === "base64" && !options.embeddingsIgnoreEncodingFormat;
    const data = call.input.map((text, index) => {
      const full = behavior.embed?.(text) ?? hashedWordVector(text, behavior.embeddingDimensions ?? 256);
      const vector = unitLength(dims === undefined ? full : full.slice(0, dims));
      return { object: "embedding", index, embedding: asBase64 ? float32Base64(vector) : vector };
    });
    const tokens = call.input.reduce((n, text) => n + roughTokenCount(text), 0);
    call.status = 200;
    call.outcome = "ok";
    sendJson(res, 200, { object: "list", data, model: call.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  };

  const handleChat = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> => {
    const body = parseJsonObject(await readBody(req));
    const num = (key: string): number | undefined => (typeof body?.[key] === "number" ? body[key] : undefined);
    const call: OpenAIRecordedCall = {
      model: typeof body?.model === "string" ? body.model : "",
      messages: Array.isArray(body?.messages)
        ? body.messages.filter(isRecord).map((m) => ({ role: String(m.role ?? ""), content: contentToText(m.content), raw: m }))
        : [],
      temperature: num("temperature"),
      top_p: num("top_p"),
      max_tokens: num("max_tokens"),
      max_completion_tokens: num("max_completion_tokens"),
      seed: num("seed"),
      stream: body?.stream === true,
      stream_options: isRecord(body?.stream_options) ? body.stream_options : undefined,
      authorization: req.headers.authorization,
      status: 0,
      startedAt: nowMs(),
      body: body ?? {},
    };
    calls.push(call);
    const finish = (outcome: NonNullable<OpenAIRecordedCall["outcome"]>): void => {
      call.outcome ??= outcome;
      call.endedAt ??= nowMs();
    };
    signal.addEventListener("abort", () => finish("aborted"), { once: true });
    const fail = (status: number, error: { error: Record<string, unknown> }, outcome: NonNullable<OpenAIRecordedCall["outcome"]>): void => {
      call.status = status;
      sendJson(res, status, error);
      finish(outcome);
    };
    const badKey = (): { error: Record<string, unknown> } => {
      const key = (call.authorization ?? "").replace(/^Bearer\s+/i, "");
      return openAIError(
        `Incorrect API key provided: ${key.slice(0, 3)}***. You can find your API key at https://platform.openai.com/account/api-keys.`,
        "invalid_request_error",
        "invalid_api_key",
      );
    };

    if (options.requireApiKey !== undefined && call.authorization !== `Bearer ${options.requireApiKey}`) {
      return fail(401, badKey(), "http401");
    }
    if (!body)
      return fail(400, openAIError("We could not parse the JSON body of your request.", "invalid_request_error", null), "badRequest");
    if (!call.model) return fail(400, openAIError("you must provide a model parameter", "invalid_request_error", null), "badRequest");
    const behavior = models.get(call.model) ?? (options.acceptAnyModel ? {} : undefined);
    if (!behavior) return fail(404, modelNotFound(call.model), "notFound");
    const firstCall = !warmedUp.has(behavior);
    warmedUp.add(behavior);
    if (firstCall && behavior.firstCallLatencyMs && !(await sleep(behavior.firstCallLatencyMs, signal))) return;
    if (behavior.latencyMs && !(await sleep(behavior.latencyMs, signal))) return;
    if (behavior.failure === "hang") return untilAborted(signal);
    if (behavior.failure === "http401") return fail(401, badKey(), "http401");
    if (behavior.failure === "http500") {
      const message = "The server had an error while processing your request. Sorry about that!";
      return fail(
        500,
        openAIError(behavior.errorBodyBytes ? message.padEnd(behavior.errorBodyBytes, " (padding)") : message, "server_error", null),
        "http500",
      );
    }

    const view: OpenAIChatRequest = { model: call.model, messages: call.messages };
    const text = typeof behavior.reply === "function" ? behavior.reply(view) : (behavior.reply ?? defaultOpenAIReply(view));
    const usage = {
      prompt_tokens: behavior.promptTokens ?? roughTokenCount(call.messages.map((m) => m.content).join(" ")),
      completion_tokens: behavior.completionTokens ?? roughTokenCount(text),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const id = `chatcmpl-double-${++counter}`;
    const base = { id, created: Math.floor(Date.now() / 1000), model: call.model, system_fingerprint: "fp_double" };
    call.status = 200;

    if (!call.stream) {
      sendJson(res, 200, {
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
        usage,
      });
      return finish("ok");
    }

    const includeUsage = call.stream_options?.include_usage === true && !behavior.ignoreIncludeUsage;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    const event = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`;
    const choice = (delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });
    if (!(await writeChunk(res, event([choice({ role: "assistant", content: "", refusal: null })])))) return;
    const pieces = splitIntoChunks(text, behavior.chunkSize ?? 4);
    while (behavior.endless && pieces.length > 0) {
      for (const piece of pieces) if (!(await writeChunk(res, event([choice({ content: piece })])))) return;
    }
    for (const piece of splitIntoChunks(text, behavior.chunkSize ?? 4)) {
      if (behavior.chunkDelayMs && !(await sleep(behavior.chunkDelayMs, signal))) return;
      if (!(await writeChunk(res, event([choice({ content: piece })])))) return;
    }
    if (!(await writeChunk(res, event([choice({}, "stop")])))) return;
    if (includeUsage && !(await writeChunk(res, event([], { usage })))) return;
    await writeChunk(res, "data: [DONE]\n\n");
    res.end();
    finish("ok");
  };

  return {
    url: server.url,
    calls,
    embedCalls,
    callsFor: (model) => calls.filter((c) => c.model === model),
    setBehavior: (model, behavior) => void models.set(model, behavior),
    clearCalls: () => {
      calls.splice(0, calls.length);
      embedCalls.splice(0, embedCalls.length);
    },
    close: () => server.close(),
  };
}

/** Default reply: deterministic echo of the last user message. */
export function defaultOpenAIReply(req: OpenAIChatRequest): string {
  const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
  return `[${req.model}] answer to: ${(lastUser?.content ?? "").slice(0, 80)}`;
}

/** Scales a vector to unit length (the zero vector stays zero). */
function unitLength(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

/** OpenAI's base64 embedding encoding: the vector as little-endian float32 bytes. */
function float32Base64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString("base64");
}

/** OpenAI's answer for a model the server does not have. */
function modelNotFound(model: string) {
  return openAIError(`The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
}
