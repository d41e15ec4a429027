import { timingSafeEqual, createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { RunStore } from "../persistence/RunStore.js";
import type { ServedMixture } from "./mixtures/ServedMixture.js";
import { createLangGraphApi } from "./langgraph/createLangGraphApi.js";
import { runSlot } from "./langgraph/runSlot.js";
import { chatCompletions } from "./openai/chatCompletions.js";
import { webPage } from "./web/webPage.js";
import { OpenAIHttpError } from "./openai/OpenAIHttpError.js";
import { responses } from "./openai/responses.js";
import { toOpenAIError } from "./openai/toOpenAIError.js";
import type { OpenAIRoutesContext } from "./openai/turnRequest.js";
import { RunSlots } from "./runs/RunSlots.js";

/** Options of {@link createServeApp}. */
export interface ServeAppOptions {
  mixtures: readonly ServedMixture[];
  /** Model ids that could not be loaded, with the reason, answered 503 rather than 404. */
  unavailable?: ReadonlyMap<string, string> | undefined;
  /** Where every request's run is checkpointed; without one runs are kept in memory only and threads cannot be named. */
  store?: RunStore | undefined;
  /**
   * Where the LangGraph API (which the web page runs on) keeps threads and checkpoints; default `store`.
   * Without either, the page and the LangGraph API are not served.
   */
  langgraphStore?: RunStore | undefined;
  /** Bearer tokens that may call the API; none means no authentication (loopback only, see `moa serve`). */
  apiKeys?: readonly string[] | undefined;
  /** Runs at once (default 4) and requests waiting beyond them (default 32); more get 429. */
  maxRunning?: number | undefined;
  maxWaiting?: number | undefined;
  /** Largest request body in bytes (default 1 MiB); larger get 413. */
  maxBodyBytes?: number | undefined;
  /** Origins a browser may call the API from (CORS); none by default. `*` allows any. */
  corsOrigins?: readonly string[] | undefined;
  /**
   * Host names (without port) requests may be addressed to; others get 403. A server on loopback lists its
   * loopback names, so a web page elsewhere cannot reach it by pointing its own domain at 127.0.0.1 (DNS
   * rebinding). None means any.
   */
  allowedHosts?: readonly string[] | undefined;
  /** Where failures the client sees only as internal errors are logged (default stderr). */
  log?: ((line: string) => void) | undefined;
}

/** The served app, its run limiter, and how to stop it. */
export interface ServeApp {
  app: Hono;
  slots: RunSlots;
  /**
   * Stops admitting runs (new requests get 503), waits up to `graceMs` for the runs in flight, then
   * cancels those still going (their finished steps stay checkpointed) and says how many there were.
   * `hurry` resolving ends the wait early.
   */
  drain(options: { graceMs: number; hurry?: Promise<void> | undefined }): Promise<{ cancelled: number }>;
}

/**
 * The HTTP app of `moa serve`: OpenAI-compatible routes (`GET /v1/models`, `POST /v1/chat/completions`,
 * `POST /v1/responses`) over the given mixtures, the part of the LangGraph API the web page uses (threads,
 * streamed runs, assistants), the web page at `/`, and `GET /health`. Requests are authenticated by Bearer
 * token when keys are given, bounded in size, validated, and admitted up to the run limits; every run is
 * checkpointed on a thread named in the `X-MoA-Thread` response header.
 *
 * @example
 * const { app } = createServeApp({ mixtures, store, apiKeys: ["a-key-of-at-least-16-chars"] });
 * serve({ fetch: app.fetch, port: 8080, hostname: "127.0.0.1" });
 */
export function createServeApp({
  mixtures,
  unavailable = new Map(),
  store,
  langgraphStore = store,
  apiKeys = [],
  maxRunning = 4,
  maxWaiting = 32,
  maxBodyBytes = 1024 * 1024,
  corsOrigins = [],
  allowedHosts,
  log = (line) => process.stderr.write(`${line}\n`),
}: ServeAppOptions): ServeApp {
  const slots = new RunSlots({ maxRunning, maxWaiting });
  const stopRuns = new AbortController();
  // Every run in flight listens to it: hundreds at once are expected, not a leak.
  setMaxListeners(0, stopRuns.signal);
  const context: OpenAIRoutesContext = {
    mixtures: new Map(mixtures.map((mixture) => [mixture.id, mixture])),
    unavailable,
    store,
    slots,
    retryAfterSeconds: 1,
    stopRuns: stopRuns.signal,
    log,
  };
  const app = new Hono();
  app.onError((error, c) => {
    const failure = toOpenAIError(error, { retryAfterSeconds: context.retryAfterSeconds });
    if (failure.status === 500) log(`${c.req.method} ${c.req.path} failed: ${String(error?.stack ?? error)}`);
    return openAIErrorResponse(c, failure);
  });
  app.notFound((c) =>
    openAIErrorResponse(
      c,
      new OpenAIHttpError(`no route ${c.req.method} ${c.req.path}; see GET /v1/models`, {
        status: 404,
        type: "not_found_error",
        code: "not_found",
      }),
    ),
  );
  if (allowedHosts) {
    const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
    app.use("*", async (c, next) => {
      if (allowed.has(hostnameOf(c.req.header("Host") ?? ""))) return next();
      c.header("Connection", "close");
      return openAIErrorResponse(
        c,
        new OpenAIHttpError(`requests must be addressed to ${[...allowed].join(", ")}`, {
          status: 403,
          type: "invalid_request_error",
          code: "host_not_allowed",
        }),
      );
    });
  }
  // A browser may send a form or text/plain POST anywhere without asking (no CORS preflight): refusing
  // other content types keeps another site's page from starting runs here.
  app.use("*", async (c, next) => {
    if (c.req.method !== "POST" || /^application\/json\b/i.test(c.req.header("Content-Type") ?? "")) return next();
    c.header("Connection", "close");
    return openAIErrorResponse(
      c,
      new OpenAIHttpError("send the request body as JSON, with Content-Type: application/json", {
        status: 400,
        type: "invalid_request_error",
        code: "unsupported_content_type",
      }),
    );
  });
  if (corsOrigins.length > 0)
    app.use(
      "*",
      cors({
        origin: corsOrigins.includes("*") ? "*" : [...corsOrigins],
        allowHeaders: ["Authorization", "Content-Type", "X-MoA-Thread"],
        exposeHeaders: ["X-MoA-Thread", "Retry-After"],
      }),
    );
  // While draining, every answer closes its connection, so keep-alive clients let the server stop.
  app.use("*", async (c, next) => {
    await next();
    if (slots.isClosed) c.header("Connection", "close");
  });
  app.get("/health", (c) => c.json({ status: slots.isClosed ? "draining" : "ok", ...slots.load, models: context.mixtures.size }));
  // Everything but the page itself and /health needs a key: the page asks for one when it gets a 401.
  app.use("*", async (c, next) => (isPublic(c.req.path) ? next() : bearerAuth(apiKeys)(c, next)));
  app.use(
    "*",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => {
        // The rest of the body is never read: the connection cannot carry another request.
        c.header("Connection", "close");
        return openAIErrorResponse(
          c,
          new OpenAIHttpError(`the request body is larger than ${maxBodyBytes} bytes`, {
            status: 413,
            type: "invalid_request_error",
            code: "request_too_large",
          }),
        );
      },
    }),
  );
  app.get("/v1/models", (c) => c.json({ object: "list", data: mixtures.map(modelEntry) }));
  app.get("/v1/models/:id", (c) => {
    const mixture = context.mixtures.get(c.req.param("id"));
    if (!mixture)
      throw new OpenAIHttpError(`no model "${c.req.param("id")}" is served here`, {
        status: 404,
        type: "not_found_error",
        code: "model_not_found",
      });
    return c.json(modelEntry(mixture));
  });
  app.post("/v1/chat/completions", (c) => chatCompletions(c, context));
  app.post("/v1/responses", (c) => responses(c, context));
  if (langgraphStore) {
    // Runs the page starts count against the same limits as the OpenAI routes' runs.
    app.post("/threads/:thread_id/runs/stream", runSlot(slots, { retryAfterSeconds: context.retryAfterSeconds }));
    app.route("/", createLangGraphApi({ mixtures, store: langgraphStore }));
    app.route("/", webPage());
  }
  return {
    app,
    slots,
    drain: async ({ graceMs, hurry }) => {
      slots.close();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), graceMs)));
      const outcome = await Promise.race([
        slots.idle().then(() => "idle" as const),
        gaveUp,
        ...(hurry ? [hurry.then(() => "hurried" as const)] : []),
      ]);
      clearTimeout(timer);
      if (outcome === "idle") return { cancelled: 0 };
      const cancelled = slots.load.running + slots.load.waiting;
      stopRuns.abort();
      // Runs cancelled here end within moments; a model call that ignores cancellation is not waited for.
      await Promise.race([slots.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      return { cancelled };
    },
  };
}

/** `example.com` of `example.com:8080`, `[::1]` of `[::1]:8080`, in lower case. */
function hostnameOf(host: string): string {
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
  return name.toLowerCase();
}

/** The page and its assets, and the health check: served without a key. */
function isPublic(path: string): boolean {
  return path === "/" || path === "/index.html" || path.startsWith("/assets/") || path === "/health";
}

/** A model list entry: OpenAI's fields, and what the mixture is (`moa`). */
function modelEntry(mixture: ServedMixture) {
  return { id: mixture.id, object: "model", created: 0, owned_by: "langgraph-moa", moa: mixture.description };
}

function openAIErrorResponse(c: Context, failure: OpenAIHttpError): Response {
  if (failure.retryAfterSeconds !== undefined) c.header("Retry-After", String(failure.retryAfterSeconds));
  return c.json(failure.body(), failure.status);
}

/**
 * Accepts a request whose `Authorization: Bearer <key>` is one of `keys` (compared in constant time, by
 * digest so that lengths leak nothing); with no keys every request passes.
 */
export function bearerAuth(keys: readonly string[]): MiddlewareHandler {
  const digests = keys.map((key) => createHash("sha256").update(key).digest());
  return async (c, next) => {
    if (digests.length === 0) return next();
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    const given = match ? createHash("sha256").update(match[1]!).digest() : undefined;
    if (!given || !digests.some((digest) => timingSafeEqual(digest, given))) {
      c.header("WWW-Authenticate", 'Bearer realm="moa"');
      c.header("Connection", "close");
      return openAIErrorResponse(
        c,
        new OpenAIHttpError(
          match ? "the API key is not valid for this server" : "an API key is required: send it as Authorization: Bearer <key>",
          { status: 401, type: "authentication_error", code: "invalid_api_key" },
        ),
      );
    }
    return next();
  };
}
