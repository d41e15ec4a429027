import { afterEach, describe, expect, it } from "vitest";
import { openSqliteRunStore } from "../../src/persistence/sqliteRunStore.js";
import type { RunStore } from "../../src/persistence/RunStore.js";
import { startServeApp, type ServeAppHarness } from "./serveAppHarness.js";

let harness: ServeAppHarness | undefined;
let store: RunStore | undefined;
afterEach(async () => {
  await harness?.close();
  await store?.close();
  harness = undefined;
  store = undefined;
});

describe("createServeApp", () => {
  it("sends no CORS headers unless origins are configured", async () => {
    harness = await startServeApp();
    const response = await fetch(`${harness.url}/v1/models`, { headers: { Origin: "https://elsewhere.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows the configured origins, and exposes the thread header to them", async () => {
    harness = await startServeApp({ corsOrigins: ["https://chat.example"] });
    const preflight = await fetch(`${harness.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://chat.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://chat.example");
    const other = await fetch(`${harness.url}/v1/models`, { headers: { Origin: "https://elsewhere.example" } });
    expect(other.headers.get("access-control-allow-origin")).not.toBe("https://elsewhere.example");
  });

  it("serves the health check and the page without a key, and the LangGraph API only with one", async () => {
    store = openSqliteRunStore(":memory:");
    harness = await startServeApp({ apiKeys: ["k".repeat(20)], store });
    expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    expect([200, 503]).toContain((await fetch(`${harness.url}/`)).status);
    const search = (headers: Record<string, string>) =>
      fetch(`${harness!.url}/threads/search`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: "{}" });
    expect((await search({})).status).toBe(401);
    expect((await search({ Authorization: `Bearer ${"k".repeat(20)}` })).status).toBe(200);
  });

  it("limits request bodies on the LangGraph API too", async () => {
    store = openSqliteRunStore(":memory:");
    harness = await startServeApp({ store, maxBodyBytes: 2_000 });
    const response = await fetch(`${harness.url}/threads/search`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ metadata: { padding: "x".repeat(5_000) } }),
    });
    expect(response.status).toBe(413);
  });

  it("answers a run started while draining with 503, and resolves the drain once idle", async () => {
    harness = await startServeApp();
    const drained = await harness.drain({ graceMs: 1_000 });
    expect(drained).toEqual({ cancelled: 0 });
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "test-moa", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("shutting_down");
  });

  it("cancels runs still going when the grace period ends", async () => {
    harness = await startServeApp({ latencyMs: 30_000 });
    const pending = fetch(`${harness.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "test-moa", messages: [{ role: "user", content: "Hi" }] }),
    });
    while (harness.slots.load.running === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await harness.drain({ graceMs: 50 })).toEqual({ cancelled: 1 });
    expect((await pending).status).toBeGreaterThanOrEqual(500);
  });
});
