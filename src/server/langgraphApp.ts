import { Hono } from "hono";
import { langgraphOpenAIRoutes } from "./langgraphOpenAIRoutes.js";
import { webPage } from "./web/webPage.js";

/**
 * Routes mounted on the LangGraph server through `langgraph.json`'s `http.app` (they run before the
 * server's own): the OpenAI-compatible routes of `moa serve` (which the web page reads its mixtures
 * from), the web page at `/`, and one repair: the JS server (1.5.x) answers `runs/wait` for a failed run with
 * its error serialized twice, `{"__error__":{"error":"Error","message":"{\"error\":\"ConfigError\",...}"}}`,
 * so SDK clients would show JSON instead of the message. The stream endpoint is not affected.
 */
export const app = new Hono();

app.use("*", async (c, next) => {
  await next();
  if (c.req.method !== "POST" || !c.req.path.endsWith("/runs/wait") || !c.res.body) return;
  const headers = new Headers(c.res.headers);
  headers.delete("content-length");
  c.res = new Response(c.res.body.pipeThrough(onceEncodedErrors()), { status: c.res.status, headers });
});

// The OpenAI-compatible routes of `moa serve` (/v1/...), over the graphs this server serves, and the web page.
app.route("/", langgraphOpenAIRoutes());
app.route("/", webPage());

/**
 * Passes a `runs/wait` body through: the whitespace the server sends to keep the connection open
 * while the run goes on streams as it comes; the JSON document at the end is held until complete and
 * its error, if any, decoded once.
 */
function onceEncodedErrors(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let held = "";
  return new TransformStream({
    transform(chunk, controller) {
      const text = decoder.decode(chunk, { stream: true });
      if (held === "" && text.trim() === "") controller.enqueue(chunk);
      else held += text;
    },
    flush(controller) {
      held += decoder.decode();
      controller.enqueue(encoder.encode(repairBody(held)));
    },
  });
}

function repairBody(text: string): string {
  let body: { __error__?: { error?: unknown; message?: unknown } } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return text;
  }
  const inner = unwrapError(body?.__error__);
  if (!inner) return text;
  const leading = text.slice(0, text.length - text.trimStart().length);
  return `${leading}${JSON.stringify({ ...body, __error__: inner })}`;
}

/**
 * The once-encoded error inside a twice-encoded one, if that is what it is.
 *
 * @example
 * unwrapError({ error: "Error", message: '{"error":"ConfigError","message":"bad"}' }); // { error: "ConfigError", message: "bad" }
 */
export function unwrapError(error: { error?: unknown; message?: unknown } | undefined): { error: string; message: string } | undefined {
  if (!error || error.error !== "Error" || typeof error.message !== "string") return undefined;
  try {
    const inner = JSON.parse(error.message) as { error?: unknown; message?: unknown };
    return typeof inner.error === "string" && typeof inner.message === "string"
      ? { error: inner.error, message: inner.message }
      : undefined;
  } catch {
    return undefined;
  }
}
