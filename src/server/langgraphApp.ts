import { Hono } from "hono";

/**
 * Routes mounted on the LangGraph server through `langgraph.json`'s `http.app` (they run before the
 * server's own). For now one repair: the JS server (1.5.x) answers `runs/wait` for a failed run with
 * its error serialized twice, `{"__error__":{"error":"Error","message":"{\"error\":\"ConfigError\",...}"}}`,
 * so SDK clients would show JSON instead of the message. The stream endpoint is not affected.
 */
export const app = new Hono();

app.use("*", async (c, next) => {
  await next();
  if (c.req.method !== "POST" || !c.req.path.endsWith("/runs/wait")) return;
  if (!(c.res.headers.get("content-type") ?? "").includes("application/json")) return;
  const body = (await c.res.clone().json().catch(() => undefined)) as { __error__?: { error?: unknown; message?: unknown } } | undefined;
  const inner = unwrapError(body?.__error__);
  if (!inner) return;
  const headers = new Headers(c.res.headers);
  headers.delete("content-length");
  c.res = new Response(JSON.stringify({ __error__: inner }), { status: c.res.status, headers });
});

/** The once-encoded error inside a twice-encoded one, if that is what it is. */
export function unwrapError(error: { error?: unknown; message?: unknown } | undefined): { error: string; message: string } | undefined {
  if (!error || error.error !== "Error" || typeof error.message !== "string") return undefined;
  try {
    const inner = JSON.parse(error.message) as { error?: unknown; message?: unknown };
    return typeof inner.error === "string" && typeof inner.message === "string" ? { error: inner.error, message: inner.message } : undefined;
  } catch {
    return undefined;
  }
}
