import { Hono } from "hono";
import { loadConfig } from "../graphs/loadConfig.js";
import { createChatModel } from "../models/createChatModel.js";
import { openRunStore } from "../persistence/openRunStore.js";
import { createServeApp, type ServeApp } from "./createServeApp.js";
import { describeMixture } from "./mixtures/describeMixture.js";
import type { ServedMixture } from "./mixtures/ServedMixture.js";
import { OpenAIHttpError } from "./openai/OpenAIHttpError.js";
import { configurationOf } from "./servedGraph.js";

/** The graph ids `langgraph.json` serves, which are the model ids here too. */
const SERVED_KINDS = ["moa", "self-moa", "coe", "mosaic"] as const;

/**
 * The OpenAI-compatible routes of `moa serve`, for the LangGraph server (mounted through `langgraph.json`'s
 * `http.app`): one model per served graph (`moa`, `self-moa`, `coe`, `mosaic`), each with the topology its
 * environment variables choose (as for runs without `configurable`), runs checkpointed where `moa` keeps
 * them (`MOA_CHECKPOINTER`, else `MOA_DB` or the default SQLite file), keys from `MOA_API_KEYS`. Built on
 * the first request: importing it reads nothing, and a bad variable fails requests with its message
 * rather than the server.
 *
 * @example
 * app.route("/", langgraphOpenAIRoutes());
 */
export function langgraphOpenAIRoutes({ env = process.env }: { env?: NodeJS.ProcessEnv } = {}): Hono {
  let served: Promise<ServeApp> | undefined;
  const routes = new Hono();
  routes.all("/v1/*", async (c) => {
    served ??= build(env);
    let app: ServeApp;
    try {
      app = await served;
    } catch (error) {
      served = undefined;
      const message = error instanceof Error ? error.message : String(error);
      const failure = new OpenAIHttpError(`the served topologies could not be loaded: ${message}`, {
        status: 503,
        type: "server_error",
        code: "topologies_unavailable",
      });
      return c.json(failure.body(), failure.status);
    }
    return app.app.fetch(c.req.raw);
  });
  return routes;
}

async function build(env: NodeJS.ProcessEnv): Promise<ServeApp> {
  const mixtures: ServedMixture[] = [];
  // A mistake in one graph's variables leaves that model out (its requests get the reason), not the others.
  const unavailable = new Map<string, string>();
  for (const kind of SERVED_KINDS) {
    try {
      const { source } = configurationOf(kind, undefined);
      const topology = loadConfig(source);
      mixtures.push({ id: kind, source, topology, description: describeMixture(topology), modelFactory: createChatModel });
    } catch (error) {
      unavailable.set(kind, error instanceof Error ? error.message : String(error));
    }
  }
  const store = await openRunStore({ env });
  const apiKeys = (env.MOA_API_KEYS ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  return createServeApp({ mixtures, unavailable, store, apiKeys });
}
