import { Hono } from "hono";
import { createEmbedServer } from "@langchain/langgraph-api/experimental/embed";
import { buildTopologyGraph } from "../../graphs/buildTopologyGraph.js";
import type { RunStore } from "../../persistence/RunStore.js";
import type { ServedMixture } from "../mixtures/ServedMixture.js";
import { newServedGraph } from "../servedState.js";
import { runStoreThreadSaver } from "./runStoreThreadSaver.js";
import { threadRunLock } from "./threadRunLock.js";

// Paths of the LangGraph API, and the part of it served (what the page and SDK clients of it call).
const LANGGRAPH_PREFIX = /^\/(threads|runs|assistants|store|crons|info)(\/|$)/;
const THREAD = "[0-9a-fA-F-]{36}";
const SERVED_ROUTES: ReadonlyArray<readonly [string, RegExp]> = [
  ["GET", /^\/info$/],
  ["POST", /^\/assistants\/search$/],
  ["GET", /^\/assistants\/[^/]+$/],
  ["POST", /^\/threads$/],
  ["POST", /^\/threads\/search$/],
  ["GET", new RegExp(`^/threads/${THREAD}$`)],
  ["GET", new RegExp(`^/threads/${THREAD}/state$`)],
  ["POST", new RegExp(`^/threads/${THREAD}/history$`)],
  ["POST", new RegExp(`^/threads/${THREAD}/runs/stream$`)],
  ["POST", new RegExp(`^/threads/${THREAD}/runs/[^/]+/cancel$`)],
];

/** Options of {@link createLangGraphApi}. */
export interface LangGraphApiOptions {
  /** Each is an assistant (and graph) of the same id. */
  mixtures: readonly ServedMixture[];
  /** Checkpoints and the threads table; shared by every process serving the same threads. */
  store: RunStore;
}

/**
 * The part of the LangGraph API that the web page and `@langchain/langgraph-sdk` clients use (threads,
 * state, history, streamed runs; assistants and `/info` answered from the mixtures), over a RunStore:
 * a thread created through one process is found and continued through any other sharing the store.
 * Built on the LangGraph server's embeddable routes (`@langchain/langgraph-api/experimental/embed`,
 * not semver-stable, hence the exact version pinned in package.json).
 *
 * @example
 * const api = createLangGraphApi({ mixtures, store });
 * serve({ fetch: api.fetch, port: 2024 });
 * // new Client({ apiUrl: "http://127.0.0.1:2024" }).runs.stream(threadId, mixtures[0].id, { input })
 */
export function createLangGraphApi({ mixtures, store }: LangGraphApiOptions): Hono {
  // The embed server sets each graph's checkpointer to the store's when it runs one.
  const graph = Object.fromEntries(
    mixtures.map((mixture) => [
      mixture.id,
      buildTopologyGraph({ topology: mixture.topology, modelFactory: mixture.modelFactory, newGraph: newServedGraph }).compile({
        name: mixture.id,
      }),
    ]),
  );
  const threads = runStoreThreadSaver({ store, mixtures });
  const embed = createEmbedServer({ graph, threads, checkpointer: store.checkpointer });
  const app = new Hono();
  const now = new Date().toISOString();
  const assistantOf = (mixture: ServedMixture) => ({
    assistant_id: mixture.id,
    graph_id: mixture.id,
    name: mixture.id,
    description: `${mixture.description.kind} topology "${mixture.description.name}"`,
    config: {},
    context: {},
    metadata: { moa: mixture.description },
    version: 1,
    created_at: now,
    updated_at: now,
  });
  app.get("/info", (c) => c.json({ version: "langgraph-moa", flags: { assistants: true, crons: false, langsmith: false } }));
  app.post("/assistants/search", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { graph_id?: unknown; limit?: unknown; offset?: unknown };
    const offset = typeof body.offset === "number" ? body.offset : 0;
    const limit = typeof body.limit === "number" ? body.limit : 10;
    const found = mixtures.filter((mixture) => body.graph_id === undefined || mixture.id === body.graph_id);
    return c.json(found.slice(offset, offset + limit).map(assistantOf));
  });
  app.get("/assistants/:id", (c) => {
    const mixture = mixtures.find((candidate) => candidate.id === c.req.param("id"));
    return mixture ? c.json(assistantOf(mixture)) : c.json({ error: `no assistant ${c.req.param("id")}` }, 404);
  });
  // The embed route answers an unknown thread with null; the SDK expects 404.
  app.get("/threads/:thread_id{[0-9a-fA-F-]{36}}", async (c) => {
    const thread = await threads.get(c.req.param("thread_id"));
    return thread ? c.json(thread) : c.json({ error: "Thread not found" }, 404);
  });
  // Only the routes the page uses are served: the embed server's others (background runs, commands, state
  // updates) would start runs outside the server's limits and thread locks, or keep state in memory unbounded.
  app.use("*", async (c, next) => {
    if (!LANGGRAPH_PREFIX.test(c.req.path) || SERVED_ROUTES.some(([method, path]) => method === c.req.method && path.test(c.req.path)))
      return next();
    return c.json({ error: "NotFound", message: `${c.req.method} ${c.req.path} is not served here` }, 404);
  });
  app.post("/threads/:thread_id/runs/stream", async (c, next) => {
    const body = (await c.req.json().catch(() => undefined)) as { assistant_id?: unknown } | undefined;
    if (typeof body !== "object" || body === null)
      return c.json({ error: "InvalidRequest", message: "the request body must be a JSON object" }, 400);
    if (!mixtures.some((mixture) => mixture.id === body.assistant_id))
      return c.json(
        {
          error: "NotFound",
          message: `no assistant ${JSON.stringify(body.assistant_id)}; served: ${mixtures.map((mixture) => mixture.id).join(", ")}`,
        },
        404,
      );
    return next();
  });
  app.post("/threads/:thread_id/runs/stream", threadRunLock(store));
  app.route("/", embed);
  return app;
}
