/**
 * A loopback Ollama server standing in for one inference worker, for scheduling tests: it keeps a limited
 * set of resident models (least recently used evicted first), takes `loadMs` to load a model that is not
 * resident, serves one request at a time (OLLAMA_NUM_PARALLEL=1) taking `prefillMs` plus `perTokenMs` per
 * output token, and records every load, unload and chat in order.
 *
 * Endpoints (Ollama's wire protocol): POST /api/generate without a prompt (keep_alive: load/pin, 0 unloads),
 * POST /api/chat (stream NDJSON or one JSON object). Anything else answers 404.
 */
import { isRecord, nowMs, parseJsonObject, readBody, sendJson, startLoopbackServer, type LoopbackServer } from "./loopback.js";

/** What the worker did, in order. */
export interface WorkerEvent {
  kind: "load" | "unload" | "chat" | "keep-alive";
  model: string;
  /** The request's keep_alive, on chats and keep-alive requests. */
  keepAlive?: unknown;
  /** For chats: the last user message. */
  prompt?: string;
  atMs: number;
}

/** Options of {@link startOllamaWorkerDouble}. */
export interface OllamaWorkerDoubleOptions {
  maxResident?: number;
  loadMs?: number;
  prefillMs?: number;
  perTokenMs?: number;
  /** Output tokens of a reply (default 10), by model. */
  tokens?: (model: string) => number;
  /** The reply text (default: `<model> says 42`). */
  reply?: (model: string, prompt: string) => string;
}

/** A started worker double. */
export interface OllamaWorkerDouble extends LoopbackServer {
  readonly events: WorkerEvent[];
  readonly resident: readonly string[];
}

/**
 * Starts a worker double on 127.0.0.1.
 *
 * @example
 * const worker = await startOllamaWorkerDouble({ maxResident: 1, loadMs: 200, perTokenMs: 5 });
 */
export async function startOllamaWorkerDouble({
  maxResident = 1,
  loadMs = 100,
  prefillMs = 10,
  perTokenMs = 5,
  tokens = () => 10,
  reply = (model) => `${model} says 42`,
}: OllamaWorkerDoubleOptions = {}): Promise<OllamaWorkerDouble> {
  const events: WorkerEvent[] = [];
  const resident: string[] = [];
  const started = nowMs();
  // One request at a time, like an Ollama server with OLLAMA_NUM_PARALLEL=1.
  let queue: Promise<void> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
  const ensureLoaded = async (model: string) => {
    const at = resident.indexOf(model);
    if (at >= 0) {
      resident.splice(at, 1);
      resident.push(model);
      return;
    }
    events.push({ kind: "load", model, atMs: nowMs() - started });
    await new Promise((resolve) => setTimeout(resolve, loadMs));
    resident.push(model);
    while (resident.length > maxResident) resident.shift();
  };

  const server = await startLoopbackServer(async (req, res) => {
    const body = req.method === "POST" ? parseJsonObject(await readBody(req)) : undefined;
    const model = typeof body?.model === "string" ? body.model : undefined;
    if (!body || !model) return sendJson(res, 404, { error: "not found" });
    if (req.url === "/api/generate") {
      events.push({ kind: "keep-alive", model, keepAlive: body.keep_alive, atMs: nowMs() - started });
      await serially(async () => {
        if (body.keep_alive === 0) {
          const at = resident.indexOf(model);
          if (at >= 0) resident.splice(at, 1);
          events.push({ kind: "unload", model, atMs: nowMs() - started });
        } else await ensureLoaded(model);
      });
      return sendJson(res, 200, {
        model,
        created_at: new Date().toISOString(),
        response: "",
        done: true,
        done_reason: body.keep_alive === 0 ? "unload" : "load",
      });
    }
    if (req.url !== "/api/chat") return sendJson(res, 404, { error: "not found" });
    const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
    const prompt = String(messages.filter((m) => m.role === "user").at(-1)?.content ?? "");
    const text = reply(model, prompt);
    const count = tokens(model);
    await serially(async () => {
      await ensureLoaded(model);
      events.push({ kind: "chat", model, prompt, keepAlive: body.keep_alive, atMs: nowMs() - started });
      await new Promise((resolve) => setTimeout(resolve, prefillMs + count * perTokenMs));
    });
    const final = {
      model,
      created_at: new Date().toISOString(),
      message: { role: "assistant", content: body.stream === false ? text : "" },
      done: true,
      done_reason: "stop",
      prompt_eval_count: 5,
      eval_count: count,
    };
    if (body.stream === false) return sendJson(res, 200, final);
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    // One write: two small writes would meet the peer's delayed ACK and add ~40 ms to every call.
    res.end(
      `${JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: "assistant", content: text }, done: false })}\n${JSON.stringify(final)}\n`,
    );
  });
  return Object.defineProperties(server, { events: { value: events }, resident: { get: () => [...resident] } }) as OllamaWorkerDouble;
}
