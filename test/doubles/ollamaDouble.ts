/**
 * Loopback Ollama server double speaking Ollama's real HTTP wire protocol, so the real
 * `ChatOllama` (and the `ollama` npm client) can be driven end to end over 127.0.0.1.
 *
 * Endpoints: POST /api/chat (NDJSON stream or single JSON), POST /api/embed (plain JSON), GET /api/tags,
 * GET /api/version, POST /api/show, POST /api/pull (NDJSON status stream or single JSON; models in
 * `pullable` download and then answer like configured ones). Everything else answers 404 `{"error": ...}`.
 * A chat request with no messages loads the model, or unloads it with `keep_alive: 0`, answering one
 * JSON object with `done_reason` "load" or "unload", as Ollama does; the double tracks which models
 * are loaded, so fixed `timings` report `load_duration` only on the first call after an unload.
 */
import { createHash } from "node:crypto";
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

/** One chat message as received on the wire (content flattened to text). */
export interface RecordedMessage {
  role: string;
  content: string;
  /** Tool calls on assistant messages sent back by the client, verbatim. */
  tool_calls?: unknown[];
}

/** What a behaviour callback sees of a chat request. */
export interface OllamaChatRequest {
  model: string;
  messages: RecordedMessage[];
  /** The request's `options` object (num_ctx, num_predict, temperature, seed, top_p, ...). */
  options: Record<string, unknown>;
  /** Tool definitions sent by the client (OpenAI function format), empty when none. */
  tools: unknown[];
}

/** A tool call the double should return, in neutral form. */
export interface OllamaToolCallSpec {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * Failure modes of one model.
 * - `http500`: 500 with `{"error": ...}` before any body.
 * - `cutBeforeDone`: streams some content, then ends the body without a `done:true` line.
 * - `invalidJsonLine`: streams some content, then a non-JSON line, then ends without `done`
 *   (ollama-js silently skips bad lines, so a bad line alone would not fail the client).
 * - `hang`: accepts the request and never answers (until the client disconnects or close()).
 * - `emptyAnswer`: a valid stream whose content is empty (`eval_count: 0`); the client resolves.
 * - `errorMidStream`: streams some content, then a `{"error": ...}` line.
 * - `invalidJsonLineThenDone`: streams some content, a non-JSON line, the rest of the content and a
 *   proper `done:true` line (ollama-js alone would return the answer without the lost line).
 * - `lineWithoutMessage`: streams some content, a JSON line with no `message`, the rest and `done:true`.
 */
export type OllamaFailure =
  | "http500"
  | "cutBeforeDone"
  | "invalidJsonLine"
  | "hang"
  | "emptyAnswer"
  | "errorMidStream"
  | "invalidJsonLineThenDone"
  | "lineWithoutMessage";

/** How one model of the double behaves. All fields optional. */
export interface ModelBehavior {
  /** Reply text or a function of the request. Default: `[model] answer to: <last user msg, 80 chars>`. */
  reply?: string | ((req: OllamaChatRequest) => string);
  /** Delay before the first byte (aborted early if the client disconnects). */
  latencyMs?: number;
  /** Delay between streamed chunks. Default 0. */
  chunkDelayMs?: number;
  /** Characters per streamed content chunk. Default 4. */
  chunkSize?: number;
  /** Failure mode; see {@link OllamaFailure}. */
  failure?: OllamaFailure;
  /** Stream `reply` over and over, never sending `done`, until the client goes away (a server ignoring num_predict). */
  endless?: boolean;
  /** Pads the `http500` error message to about this many bytes. */
  errorBodyBytes?: number;
  /**
   * The first N chat calls made under this behaviour object fail with `failureStatus` (before
   * `latencyMs` and `failure` apply); later calls behave as configured. Setting a new behaviour
   * object starts the count again.
   */
  failFirst?: number;
  /** Decides a failure mode per call (undefined: answer normally); overrides `failure`. */
  failureFor?: (req: OllamaChatRequest) => OllamaFailure | undefined;
  /** HTTP status of the `failFirst` failures. Default 500. */
  failureStatus?: number;
  /** `Retry-After` header value sent with the `failFirst` failures (seconds or an HTTP-date). */
  retryAfter?: string;
  /** When the request has tools and this returns a non-empty list, answer with these tool calls. */
  toolCalls?: (req: OllamaChatRequest) => OllamaToolCallSpec[] | undefined;
  /** `prompt_eval_count` to report. Default: words across all request messages. */
  promptTokens?: number;
  /** `eval_count` to report. Default: words in the reply. */
  evalTokens?: number;
  /** `general.parameter_count` reported by /api/show. Default 1e9. */
  parameterCount?: number;
  /** `llama.context_length` reported by /api/show. Default 4096. */
  contextLength?: number;
  /**
   * Vector for one input of POST /api/embed. Default: {@link hashedWordVector} with
   * `embeddingDimensions`. The double L2-normalises the result, as Ollama does.
   * `latencyMs` and the failures `http500` and `hang` apply to /api/embed too.
   */
  embed?: (text: string) => number[];
  /** Length of the default embedding vectors. Default 256. */
  embeddingDimensions?: number;
  /**
   * Fixed timings (nanoseconds) for the final chat object instead of ones derived from elapsed time:
   * `load_duration` is `loadNs` on the first call while the model is not loaded (at start, or after
   * an unload request) and `warmLoadNs` (default 0) after that.
   */
  timings?: { loadNs: number; promptEvalNs: number; evalNs: number; warmLoadNs?: number };
  /** Leave these fields out of the final chat object (a server that reports no timings). */
  omitStats?: string[];
}

/**
 * A model POST /api/pull can fetch. Its bytes are split into layers like a real Ollama model: one big
 * model layer, then small license, template and params layers.
 */
export interface PullableModel {
  /** Size of the whole model in bytes (the sum of its layers). */
  totalBytes: number;
  /** Delay before each progress line of a layer (aborted early if the client disconnects). Default 0. */
  chunkDelayMs?: number;
  /** Progress lines per layer, after its first (completed 0) line. Default 8. */
  chunksPerLayer?: number;
  /**
   * After this many bytes (counted across layers) the stream carries an `{"error": ...}` line and ends;
   * the model is not pulled.
   */
  failAfterBytes?: number;
  /** How the model answers once pulled. Default: the echo reply. */
  behavior?: ModelBehavior;
}

/** Options for {@link startOllamaDouble}. */
export interface OllamaDoubleOptions {
  /** Known models and their behaviour. `"llama3"` also answers to `"llama3:latest"` and vice versa. */
  models?: Record<string, ModelBehavior>;
  /** If true, unknown models answer with the default echo behaviour instead of 404. */
  acceptAnyModel?: boolean;
  /**
   * Models POST /api/pull can fetch, as total bytes or a {@link PullableModel}. Names match with and
   * without `:latest`. A model already in `models` can be pulled again (every layer reports complete
   * at once, as Ollama does for blobs it has); any other name fails like Ollama's registry does.
   */
  pullable?: Record<string, number | PullableModel>;
}

/** How a recorded chat call ended. */
export type OllamaCallOutcome = "ok" | "notFound" | "badRequest" | "aborted" | "failedFirst" | OllamaFailure;

/** One recorded POST /api/chat call (recorded even when it fails). */
export interface RecordedCall extends OllamaChatRequest {
  /** Whether the request carried a non-empty `tools` array. */
  hasTools: boolean;
  /** The request's `stream` flag (Ollama's default is true when absent). */
  stream: boolean;
  /** Other top-level request fields, verbatim. */
  format?: unknown;
  keepAlive?: unknown;
  think?: unknown;
  /** HTTP status sent (0 if none was sent, e.g. hang). */
  status: number;
  /** Set when the call finishes; `"aborted"` when the client disconnected (or close() ran) first, e.g. on hang. */
  outcome?: OllamaCallOutcome;
  /** Epoch ms (fractional) when the request arrived / when the response ended or the client left. */
  startedAt: number;
  endedAt?: number;
  /** The full parsed request body. */
  body: Record<string, unknown>;
}

/** One recorded POST /api/embed call (recorded even when it fails). */
export interface RecordedEmbedCall {
  model: string;
  /** The inputs, a single string input given as a one-element list. */
  input: string[];
  /** Whether `input` was sent as a bare string rather than a list. */
  singleInput: boolean;
  truncate?: unknown;
  dimensions?: unknown;
  /** HTTP status sent (0 if none was sent, e.g. hang). */
  status: number;
  outcome?: "ok" | "notFound" | "badRequest" | "aborted" | "http500";
  /** The full parsed request body. */
  body: Record<string, unknown>;
}

/** One recorded POST /api/pull call (recorded even when it fails). */
export interface RecordedPull {
  /** The requested name, from `model` or the older `name` field (which ollama-js still sends). */
  model: string;
  /** The request's `stream` flag (Ollama's default is true when absent). */
  stream: boolean;
  insecure?: unknown;
  /** HTTP status sent (0 if none was sent). */
  status: number;
  /** Set when the call finishes; `"failed"` is a `failAfterBytes` error, `"aborted"` a client that left first. */
  outcome?: "ok" | "notFound" | "badRequest" | "failed" | "aborted";
  /** Layer bytes reported as completed so far, across layers. */
  bytesSent: number;
  /** The full parsed request body. */
  body: Record<string, unknown>;
}

/** A running Ollama double; pass its `url` as `baseUrl` to ChatOllama or OllamaEmbeddings. */
export type OllamaDouble = RecordingDouble<RecordedCall, ModelBehavior> & {
  /** Every POST /api/embed call in arrival order (chat calls stay in `calls`). */
  readonly embedCalls: RecordedEmbedCall[];
  /** Every POST /api/pull call in arrival order. */
  readonly pulls: RecordedPull[];
};

const NS_PER_MS = 1_000_000;

/** Default reply: deterministic echo of the last user message. */
export function defaultOllamaReply(req: OllamaChatRequest): string {
  const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
  return `[${req.model}] answer to: ${(lastUser?.content ?? "").slice(0, 80)}`;
}

/** Starts an Ollama double on 127.0.0.1 with a free port. */
export async function startOllamaDouble(options: OllamaDoubleOptions = {}): Promise<OllamaDouble> {
  const models = new Map<string, ModelBehavior>(Object.entries(options.models ?? {}));
  const calls: RecordedCall[] = [];
  const embedCalls: RecordedEmbedCall[] = [];
  const pulls: RecordedPull[] = [];
  const pullable = new Map<string, PullableModel>(
    Object.entries(options.pullable ?? {}).map(([name, spec]) => [name, typeof spec === "number" ? { totalBytes: spec } : spec]),
  );
  // Chat calls seen per behaviour object, for `failFirst`.
  const failFirstCounts = new WeakMap<ModelBehavior, number>();
  // Models loaded now (by behaviour object): the next call after an unload reports its load time.
  const loaded = new WeakSet<ModelBehavior>();

  /** A configured model, matching `name` and `name:latest` interchangeably like Ollama does. */
  const known = (name: string): ModelBehavior | undefined => byOllamaName(models, name);
  const lookup = (name: string): ModelBehavior | undefined => known(name) ?? (options.acceptAnyModel ? {} : undefined);

  const server = await startLoopbackServer(async (req, res, signal) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "POST" && path === "/api/chat") return handleChat(req, res, signal);
    if (req.method === "POST" && path === "/api/embed") return handleEmbed(req, res, signal);
    if (req.method === "GET" && path === "/api/tags") return sendJson(res, 200, { models: [...models.keys()].map(tagEntry) });
    if (req.method === "GET" && path === "/api/version") return sendJson(res, 200, { version: "0.0.0-double" });
    if (req.method === "POST" && path === "/api/show") return handleShow(req, res);
    if (req.method === "POST" && path === "/api/pull") return handlePull(req, res, signal);
    if (req.method === "GET" && path === "/") return void res.end("Ollama is running");
    sendJson(res, 404, { error: "404 page not found" });
  });

  const handleShow = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = parseJsonObject(await readBody(req)) ?? {};
    const name = String(body.model ?? body.name ?? "");
    const behavior = known(name);
    if (!behavior) return sendJson(res, 404, { error: `model '${name}' not found` });
    sendJson(res, 200, {
      modelfile: `# Modelfile generated by the Ollama double\nFROM ${name}\n`,
      parameters: 'stop "<|eot_id|>"',
      template: "{{ .Prompt }}",
      details: modelDetails(),
      model_info: {
        "general.architecture": "llama",
        "general.parameter_count": behavior.parameterCount ?? 1_000_000_000,
        "llama.context_length": behavior.contextLength ?? 4096,
      },
      capabilities: ["completion", "tools"],
      modified_at: MODIFIED_AT,
    });
  };

  const handlePull = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> => {
    const body = parseJsonObject(await readBody(req));
    const requested = body?.model ?? body?.name;
    const call: RecordedPull = {
      model: typeof requested === "string" ? requested : "",
      stream: body?.stream !== false,
      insecure: body?.insecure,
      status: 0,
      bytesSent: 0,
      body: body ?? {},
    };
    pulls.push(call);
    signal.addEventListener("abort", () => void (call.outcome ??= "aborted"), { once: true });
    const reject = (status: number, error: string, outcome: NonNullable<RecordedPull["outcome"]>): void => {
      call.status = status;
      call.outcome ??= outcome;
      sendJson(res, status, { error });
    };
    if (!body) return reject(400, "invalid request body", "badRequest");
    if (!call.model) return reject(400, "model is required", "badRequest");

    const spec = byOllamaName(pullable, call.model);
    const present = known(call.model);
    // Ollama fetches the manifest first; only then does it know whether the name exists.
    const manifestError = spec || present ? undefined : "pull model manifest: file does not exist";
    const layers = spec ? pullLayers(call.model, spec.totalBytes) : present ? pullLayers(call.model, 1_000_000 + call.model.length) : [];
    // A model already on disk reports every layer complete at once, as Ollama does for blobs it has.
    const cached = !spec?.failAfterBytes && present !== undefined;
    const chunks = Math.max(1, Math.floor(spec?.chunksPerLayer ?? 8));

    if (!call.stream) {
      // Without streaming Ollama answers once, at the end: 200 with the last status, or 500 with the error.
      if (manifestError) return reject(500, manifestError, "notFound");
      if (spec?.failAfterBytes !== undefined) {
        call.bytesSent = Math.min(spec.failAfterBytes, spec.totalBytes);
        return reject(500, PULL_FAILURE, "failed");
      }
      call.bytesSent = layers.reduce((n, layer) => n + layer.size, 0);
      if (!present) models.set(call.model, spec?.behavior ?? {});
      call.status = 200;
      call.outcome = "ok";
      return sendJson(res, 200, { status: "success" });
    }

    call.status = 200;
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const line = (obj: unknown): Promise<boolean> => writeChunk(res, `${JSON.stringify(obj)}\n`);
    if (!(await line({ status: "pulling manifest" }))) return;
    if (manifestError) {
      await line({ error: manifestError });
      res.end();
      call.outcome = "notFound";
      return;
    }
    const failAt = spec?.failAfterBytes;
    let sentBefore = 0;
    for (const layer of layers) {
      const status = `pulling ${layer.digest.slice("sha256:".length, "sha256:".length + 12)}`;
      const progress = (completed: number): Promise<boolean> =>
        // Ollama leaves `completed` out while it is 0 (omitempty).
        line({ status, digest: layer.digest, total: layer.size, ...(completed > 0 ? { completed } : {}) });
      const steps = cached ? [layer.size] : [0, ...Array.from({ length: chunks }, (_, i) => Math.round((layer.size * (i + 1)) / chunks))];
      for (const stepBytes of steps) {
        const completed = failAt === undefined ? stepBytes : Math.min(stepBytes, Math.max(0, failAt - sentBefore));
        if (spec?.chunkDelayMs && !(await sleep(spec.chunkDelayMs, signal))) return;
        if (!(await progress(completed))) return;
        call.bytesSent = sentBefore + completed;
        if (failAt !== undefined && call.bytesSent >= failAt) {
          await line({ error: PULL_FAILURE });
          res.end();
          call.outcome = "failed";
          return;
        }
      }
      sentBefore += layer.size;
    }
    for (const status of ["verifying sha256 digest", "writing manifest"]) {
      if (!(await line({ status }))) return;
    }
    if (!present) models.set(call.model, spec?.behavior ?? {});
    await line({ status: "success" });
    res.end();
    call.outcome ??= "ok";
  };

  const handleEmbed = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> => {
    const started = nowMs();
    const body = parseJsonObject(await readBody(req));
    const rawInput = body?.input;
    const call: RecordedEmbedCall = {
      model: typeof body?.model === "string" ? body.model : "",
      // Ollama skips an empty single string, answering with no embeddings at all.
      input: typeof rawInput === "string" ? (rawInput === "" ? [] : [rawInput]) : Array.isArray(rawInput) ? rawInput.map(String) : [],
      singleInput: typeof rawInput === "string",
      truncate: body?.truncate,
      dimensions: body?.dimensions,
      status: 0,
      body: body ?? {},
    };
    embedCalls.push(call);
    signal.addEventListener("abort", () => void (call.outcome ??= "aborted"), { once: true });
    const fail = (status: number, error: string, outcome: NonNullable<RecordedEmbedCall["outcome"]>): void => {
      call.status = status;
      call.outcome ??= outcome;
      sendJson(res, status, { error });
    };
    if (!body) return fail(400, "invalid request body", "badRequest");
    if (!call.model) return fail(400, "model is required", "badRequest");
    if (
      rawInput !== undefined &&
      typeof rawInput !== "string" &&
      !(Array.isArray(rawInput) && rawInput.every((v) => typeof v === "string"))
    ) {
      return fail(400, "invalid input type", "badRequest");
    }
    const behavior = lookup(call.model);
    if (!behavior) return fail(404, `model "${call.model}" not found, try pulling it first`, "notFound");
    if (behavior.latencyMs && !(await sleep(behavior.latencyMs, signal))) return;
    if (behavior.failure === "hang") return untilAborted(signal);
    if (behavior.failure === "http500") return fail(500, "llama runner process has terminated: exit status 2", "http500");

    const dims = typeof call.dimensions === "number" && call.dimensions > 0 ? Math.floor(call.dimensions) : undefined;
    const embeddings = call.input.map((text) => {
      const vector = behavior.embed?.(text) ?? hashedWordVector(text, behavior.embeddingDimensions ?? 256);
      return normalize(dims === undefined ? vector : vector.slice(0, dims));
    });
    const totalNs = Math.max(1, Math.round((nowMs() - started) * NS_PER_MS));
    call.status = 200;
    call.outcome = "ok";
    sendJson(res, 200, {
      model: call.model,
      embeddings,
      total_duration: totalNs,
      load_duration: Math.round(totalNs * 0.1),
      prompt_eval_count: call.input.reduce((n, text) => n + roughTokenCount(text), 0),
    });
  };

  const handleChat = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> => {
    const body = parseJsonObject(await readBody(req));
    const call: RecordedCall = {
      model: typeof body?.model === "string" ? body.model : "",
      messages: Array.isArray(body?.messages) ? body.messages.filter(isRecord).map(toRecordedMessage) : [],
      options: isRecord(body?.options) ? body.options : {},
      tools: Array.isArray(body?.tools) ? body.tools : [],
      hasTools: Array.isArray(body?.tools) && body.tools.length > 0,
      stream: body?.stream !== false,
      format: body?.format,
      keepAlive: body?.keep_alive,
      think: body?.think,
      status: 0,
      startedAt: nowMs(),
      body: body ?? {},
    };
    calls.push(call);
    const finish = (outcome: OllamaCallOutcome): void => {
      call.outcome ??= outcome;
      call.endedAt ??= nowMs();
    };
    signal.addEventListener("abort", () => finish("aborted"), { once: true });
    const fail = (status: number, error: string, outcome: OllamaCallOutcome): void => {
      call.status = status;
      sendJson(res, status, { error });
      finish(outcome);
    };

    if (!body) return fail(400, "invalid request body", "badRequest");
    if (!call.model) return fail(400, "model is required", "badRequest");
    const behavior = lookup(call.model);
    if (!behavior) return fail(404, `model "${call.model}" not found, try pulling it first`, "notFound");

    // No messages: Ollama only loads the model, or unloads it when keep_alive is 0, and answers at once.
    if (Array.isArray(body.messages) && body.messages.length === 0) {
      const unload = call.keepAlive === 0 || call.keepAlive === "0" || call.keepAlive === "0s";
      if (unload) loaded.delete(behavior);
      else loaded.add(behavior);
      call.status = 200;
      sendJson(res, 200, {
        model: call.model,
        created_at: new Date().toISOString(),
        message: { role: "assistant", content: "" },
        done_reason: unload ? "unload" : "load",
        done: true,
      });
      return finish("ok");
    }

    const seen = (failFirstCounts.get(behavior) ?? 0) + 1;
    failFirstCounts.set(behavior, seen);
    if (behavior.failFirst !== undefined && seen <= behavior.failFirst) {
      const status = behavior.failureStatus ?? 500;
      call.status = status;
      const text = JSON.stringify({ error: `injected failure ${seen} of ${behavior.failFirst}` });
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(text),
        ...(behavior.retryAfter !== undefined ? { "retry-after": behavior.retryAfter } : {}),
      });
      res.end(text);
      return finish("failedFirst");
    }

    // A per-call decision (soak tests: random failures) wins over the fixed failure mode.
    const failure =
      behavior.failureFor?.({ model: call.model, messages: call.messages, options: call.options, tools: call.tools }) ?? behavior.failure;
    if (behavior.latencyMs && !(await sleep(behavior.latencyMs, signal))) return;
    if (failure === "hang") {
      await untilAborted(signal);
      return;
    }
    if (failure === "http500") {
      const error = "llama runner process has terminated: exit status 2";
      return fail(500, behavior.errorBodyBytes ? error.padEnd(behavior.errorBodyBytes, " (padding)") : error, "http500");
    }

    const view: OllamaChatRequest = { model: call.model, messages: call.messages, options: call.options, tools: call.tools };
    const toolCalls = call.hasTools ? behavior.toolCalls?.(view) : undefined;
    const text =
      failure === "emptyAnswer"
        ? ""
        : toolCalls?.length
          ? ""
          : typeof behavior.reply === "function"
            ? behavior.reply(view)
            : (behavior.reply ?? defaultOllamaReply(view));
    const wireToolCalls = toolCalls?.length
      ? toolCalls.map((tc, index) => ({ function: { index, name: tc.name, arguments: tc.arguments } }))
      : undefined;
    const promptTokens = behavior.promptTokens ?? roughTokenCount(call.messages.map((m) => m.content).join(" "));
    const evalTokens = failure === "emptyAnswer" ? 0 : (behavior.evalTokens ?? Math.max(roughTokenCount(text), wireToolCalls ? 1 : 0));
    const started = call.startedAt;
    const wasLoaded = loaded.has(behavior);
    loaded.add(behavior);
    const fixed = behavior.timings;
    const stats = (): Record<string, unknown> => {
      const totalNs = Math.max(1, Math.round((nowMs() - started) * NS_PER_MS));
      if (fixed !== undefined) {
        const loadNs = wasLoaded ? (fixed.warmLoadNs ?? 0) : fixed.loadNs;
        return withoutFields(
          {
            done_reason: "stop",
            total_duration: loadNs + fixed.promptEvalNs + fixed.evalNs,
            load_duration: loadNs,
            prompt_eval_count: promptTokens,
            prompt_eval_duration: fixed.promptEvalNs,
            eval_count: evalTokens,
            eval_duration: fixed.evalNs,
          },
          behavior.omitStats,
        );
      }
      return withoutFields(
        {
          done_reason: "stop",
          total_duration: totalNs,
          load_duration: Math.round(totalNs * 0.1),
          prompt_eval_count: promptTokens,
          prompt_eval_duration: Math.round(totalNs * 0.2),
          eval_count: evalTokens,
          eval_duration: Math.round(totalNs * 0.6),
        },
        behavior.omitStats,
      );
    };
    const envelope = (message: Record<string, unknown>, done: boolean): Record<string, unknown> => ({
      model: call.model,
      created_at: new Date().toISOString(),
      message: { role: "assistant", ...message },
      done,
    });

    if (!call.stream) {
      call.status = 200;
      sendJson(res, 200, {
        ...envelope({ content: text, ...(wireToolCalls ? { tool_calls: wireToolCalls } : {}) }, true),
        ...stats(),
      });
      return finish(failure ?? "ok");
    }

    call.status = 200;
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const line = (obj: unknown): string => `${JSON.stringify(obj)}\n`;
    const pieces = wireToolCalls ? [] : splitIntoChunks(text, behavior.chunkSize ?? 4);
    while (behavior.endless && pieces.length > 0) {
      for (const piece of pieces) if (!(await writeChunk(res, line(envelope({ content: piece }, false))))) return;
    }
    const breakAt = failure && failure !== "emptyAnswer" ? Math.max(1, Math.floor(pieces.length / 2)) : pieces.length;
    // These modes put one bad line in the middle of an otherwise complete stream.
    const badLine =
      failure === "invalidJsonLineThenDone"
        ? '{"model": "' + call.model + '", "message": {"role": "assist\n'
        : failure === "lineWithoutMessage"
          ? line({ model: call.model, status: "thinking" })
          : undefined;
    const sendPieces = badLine !== undefined ? pieces : pieces.slice(0, breakAt);
    for (const [i, piece] of sendPieces.entries()) {
      if (i > 0 && behavior.chunkDelayMs && !(await sleep(behavior.chunkDelayMs, signal))) return;
      if (i === breakAt && badLine !== undefined && !(await writeChunk(res, badLine))) return;
      if (!(await writeChunk(res, line(envelope({ content: piece }, false))))) return;
    }
    if (wireToolCalls && !(await writeChunk(res, line(envelope({ content: "", tool_calls: wireToolCalls }, false))))) return;
    switch (failure) {
      case "cutBeforeDone":
        break;
      case "invalidJsonLine":
        await writeChunk(res, '{"model": "' + call.model + '", "message": {"role": "assist\n');
        break;
      case "errorMidStream":
        await writeChunk(res, line({ error: "an error was encountered while running the model: unexpected EOF" }));
        break;
      case "invalidJsonLineThenDone":
      case "lineWithoutMessage":
        await writeChunk(res, line({ ...envelope({ content: "" }, true), ...stats() }));
        break;
      default:
        await writeChunk(res, line({ ...envelope({ content: "" }, true), ...stats() }));
    }
    res.end();
    finish(failure ?? "ok");
  };

  return {
    url: server.url,
    calls,
    embedCalls,
    pulls,
    callsFor: (model) => calls.filter((c) => c.model === model),
    setBehavior: (model, behavior) => void models.set(model, behavior),
    clearCalls: () => {
      calls.splice(0, calls.length);
      embedCalls.splice(0, embedCalls.length);
      pulls.splice(0, pulls.length);
    },
    close: () => server.close(),
  };
}

/**
 * Deterministic text vector for the embedding endpoints: each lower-cased word adds +1 or -1 (by a
 * second hash bit) to one of `dimensions` slots chosen by its FNV-1a hash. Texts sharing words get a
 * high cosine similarity, so routing over these vectors behaves sensibly; texts with no words are the
 * zero vector.
 *
 * @example
 * hashedWordVector("refund my invoice", 64).length; // 64
 */
export function hashedWordVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 0x811c9dc5;
    for (const unit of word) {
      hash ^= unit.codePointAt(0) ?? 0;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    const slot = hash % dimensions;
    vector[slot] = (vector[slot] ?? 0) + ((hash >>> 16) & 1 ? 1 : -1);
  }
  return vector;
}

function withoutFields(stats: Record<string, unknown>, fields: readonly string[] | undefined): Record<string, unknown> {
  if (!fields?.length) return stats;
  return Object.fromEntries(Object.entries(stats).filter(([key]) => !fields.includes(key)));
}

/** Scales a vector to unit length (the zero vector stays zero). */
function normalize(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

const MODIFIED_AT = "2024-01-01T00:00:00.000000000Z";

/** What Ollama says when a blob download gives up part way. */
const PULL_FAILURE = "max retries exceeded: unexpected EOF";

/** The entry of `map` for an Ollama model name, matching `name` and `name:latest` interchangeably. */
function byOllamaName<T>(map: Map<string, T>, name: string): T | undefined {
  const alias = name.endsWith(":latest") ? name.slice(0, -":latest".length) : name.includes(":") ? undefined : `${name}:latest`;
  return map.get(name) ?? (alias === undefined ? undefined : map.get(alias));
}

/**
 * The layers of a pulled model: a big model layer, then small license, template and params layers
 * (sizes typical of the Ollama library), with deterministic digests. Sizes add up to `totalBytes`;
 * a tiny model gets fewer small layers so that none is empty.
 */
function pullLayers(model: string, totalBytes: number): Array<{ digest: string; size: number }> {
  const total = Math.max(1, Math.floor(totalBytes));
  const small = [7_711, 1_482, 96].filter((_, i, all) => all.slice(0, i + 1).reduce((a, b) => a + b, 0) * 4 <= total);
  const sizes = [total - small.reduce((a, b) => a + b, 0), ...small];
  return sizes.map((size, i) => ({ digest: `sha256:${createHash("sha256").update(`${model}#${i}`).digest("hex")}`, size }));
}

function modelDetails(): Record<string, unknown> {
  return {
    parent_model: "",
    format: "gguf",
    family: "llama",
    families: ["llama"],
    parameter_size: "1.0B",
    quantization_level: "Q4_K_M",
  };
}

function tagEntry(name: string): Record<string, unknown> {
  const full = name.includes(":") ? name : `${name}:latest`;
  return {
    name: full,
    model: full,
    modified_at: MODIFIED_AT,
    size: 1_000_000 + full.length,
    digest: createHash("sha256").update(full).digest("hex"),
    details: modelDetails(),
  };
}

function toRecordedMessage(m: Record<string, unknown>): RecordedMessage {
  const out: RecordedMessage = { role: String(m.role ?? ""), content: contentToText(m.content) };
  if (Array.isArray(m.tool_calls)) out.tool_calls = m.tool_calls;
  return out;
}
