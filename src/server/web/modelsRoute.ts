import { Hono } from "hono";
import type { MixtureDescription } from "../mixtures/describeMixture.js";

/** One served mixture as `GET /v1/models` lists it. */
export interface ListedMixture {
  id: string;
  description: MixtureDescription;
}

/**
 * `GET /v1/models` in OpenAI's list format, each entry with the `moa` extension (the mixture's
 * layers and agents) that the web page draws. `list` is read per request, so a server whose
 * mixtures change (a configuration edited under the dev server) lists what it serves now.
 *
 * @example
 * app.route("/", modelsRoute(() => mixtures.map(({ id, description }) => ({ id, description }))));
 */
export function modelsRoute(list: () => ListedMixture[]): Hono {
  const created = Math.floor(Date.now() / 1000);
  const app = new Hono();
  app.get("/v1/models", (c) =>
    c.json({
      object: "list",
      data: list().map(({ id, description }) => ({ id, object: "model", created, owned_by: "langgraph-moa", moa: description })),
    }),
  );
  return app;
}
