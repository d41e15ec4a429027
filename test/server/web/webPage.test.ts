import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { webPage } from "../../../src/server/web/webPage.js";

function builtPage(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "moa-webpage-"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(path.join(dir, "index.html"), '<!doctype html><script type="module" src="/assets/main-AB12.js"></script>');
  writeFileSync(path.join(dir, "assets", "main-AB12.js"), "console.log(1)");
  writeFileSync(path.join(dir, "assets", "main-AB12.css"), "body{}");
  writeFileSync(path.join(dir, "secret.txt"), "not an asset");
  return dir;
}

describe("webPage", () => {
  it("serves the page, never cached, under a self-only content security policy", async () => {
    const response = await webPage({ dir: builtPage() }).request("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'.*script-src 'self'/);
    expect(await response.text()).toContain("/assets/main-AB12.js");
  });

  it("serves hashed assets with their types, cached for good", async () => {
    const app = webPage({ dir: builtPage() });
    const js = await app.request("/assets/main-AB12.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toMatch(/immutable/);
    expect((await app.request("/assets/main-AB12.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("serves nothing outside the assets folder", async () => {
    const app = webPage({ dir: builtPage() });
    expect((await app.request("/assets/..%2Fsecret.txt")).status).toBe(404);
    expect((await app.request("/assets/missing-1.js")).status).toBe(404);
    expect((await app.request("/secret.txt")).status).toBe(404);
  });

  it("says to build the page when it is not built", async () => {
    const response = await webPage({ dir: path.join(tmpdir(), "moa-no-such-page") }).request("/");
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/run npm run build/);
  });
});
