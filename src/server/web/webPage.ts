import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { packageRoot } from "../../util/packageRoot.js";
import { Hono } from "hono";

// The page only talks to the server that served it, and runs only its own bundle: model text is
// untrusted, and this keeps anything that slipped into the DOM from loading or sending anything.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
};

/**
 * The web page that shows a mixture run live (`web/`, bundled into `dist/web` by `npm run build`): `/`
 * and its assets. The bundle is found from the package root, whether this module runs from `dist/`
 * or from `src/` (the LangGraph dev server runs the sources with tsx); without a build, `/` answers 503
 * saying to run it. Asset names carry a content hash, so they are cached for good and `/` never.
 *
 * @example
 * app.route("/", webPage());
 */
export function webPage({ dir = path.join(packageRoot({ from: import.meta.dirname }), "dist", "web") }: { dir?: string } = {}): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    c.header("Content-Security-Policy", CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
  });
  app.get("/", async (c) => {
    const index = path.join(dir, "index.html");
    if (!existsSync(index)) {
      c.header("Cache-Control", "no-store");
      return c.text(`The web page is not built (no ${index}): run npm run build\n`, 503);
    }
    c.header("Cache-Control", "no-cache");
    return c.html(await readFile(index, "utf8"));
  });
  app.get("/assets/:file", async (c) => {
    const file = c.req.param("file");
    const type = TYPES[path.extname(file)];
    // One flat folder of hashed names: anything else (a path, a dot file) is not an asset.
    if (!type || !/^[\w.-]+$/.test(file) || file.startsWith(".")) return c.text("not found\n", 404);
    let body: Buffer;
    try {
      body = await readFile(path.join(dir, "assets", file));
    } catch {
      return c.text("not found\n", 404);
    }
    c.header("Content-Type", type);
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(new Uint8Array(body));
  });
  return app;
}
