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
    const response = await pending;
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("shutting_down");
  });

  it("stops waiting for runs the web page started once the grace period ends", async () => {
    store = openSqliteRunStore(":memory:");
    harness = await startServeApp({ store, latencyMs: 30_000 });
    const json = { "Content-Type": "application/json" };
    const thread = (await (await fetch(`${harness.url}/threads`, { method: "POST", headers: json, body: "{}" })).json()) as {
      thread_id: string;
    };
    const run = fetch(`${harness.url}/threads/${thread.thread_id}/runs/stream`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ assistant_id: "test-moa", input: { messages: [{ role: "user", content: "Hi" }] } }),
    });
    while (harness.slots.load.running === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await harness.drain({ graceMs: 50 })).toEqual({ cancelled: 1 });
    void run.then((response) => response.body?.cancel()).catch(() => undefined);
  });

  it("serves only the LangGraph API routes the page uses, and names the assistants it has", async () => {
    store = openSqliteRunStore(":memory:");
    harness = await startServeApp({ store });
    const json = { "Content-Type": "application/json" };
    const thread = (await (await fetch(`${harness.url}/threads`, { method: "POST", headers: json, body: "{}" })).json()) as {
      thread_id: string;
    };
    const background = await fetch(`${harness.url}/threads/${thread.thread_id}/runs`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ assistant_id: "test-moa", input: { messages: [{ role: "user", content: "Hi" }] } }),
    });
    expect(background.status).toBe(404);
    const unknown = await fetch(`${harness.url}/threads/${thread.thread_id}/runs/stream`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ assistant_id: "nope", input: { messages: [{ role: "user", content: "Hi" }] } }),
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toContain("test-moa");
  });

  it("refuses a POST that is not JSON, so that other sites' forms cannot start runs", async () => {
    harness = await startServeApp();
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ model: "test-moa", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unsupported_content_type");
  });

  it("refuses requests addressed to a host it does not answer for", async () => {
    harness = await startServeApp({ allowedHosts: ["127.0.0.1", "localhost"] });
    expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    const rebound = await fetch(`${harness.url.replace("127.0.0.1", "localhost")}/health`);
    expect(rebound.status).toBe(200);
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${harness!.url}/health`);
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: "attacker.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it("refuses previous_response_id with how to continue a conversation instead", async () => {
    harness = await startServeApp();
    const response = await fetch(`${harness.url}/v1/responses`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "test-moa", input: "Hi", previous_response_id: "resp_1" }),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string; message: string } };
    expect(error.param).toBe("previous_response_id");
    expect(error.message).toContain("X-MoA-Thread");
  });
});
