import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresRunStore } from "../../../src/persistence/postgresRunStore.js";
import { openSqliteRunStore } from "../../../src/persistence/sqliteRunStore.js";
import type { RunStore } from "../../../src/persistence/RunStore.js";
import { createLangGraphApi } from "../../../src/server/langgraph/createLangGraphApi.js";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { servedPreset } from "../../helpers/servedMixture.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// No skip: CI starts PostgreSQL (.ci/run), and a developer without one sees the connection fail.
const postgresUrl = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let ollama: OllamaDouble;
const servers: ServerType[] = [];
const stores: RunStore[] = [];
const previousHost = process.env.OLLAMA_HOST;

async function serveApi(store: RunStore): Promise<Client> {
  const app = createLangGraphApi({ mixtures: [servedPreset("moa-lite")], store });
  const server = await new Promise<ServerType>((resolve) => {
    const started: ServerType = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  servers.push(server);
  return new Client({ apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

beforeAll(async () => {
  ollama = await startOllamaDouble({ acceptAnyModel: true, models: {} });
  process.env.OLLAMA_HOST = ollama.url;
});

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  for (const store of stores) await store.close();
  await ollama?.close();
  if (previousHost === undefined) delete process.env.OLLAMA_HOST;
  else process.env.OLLAMA_HOST = previousHost;
});

const question = { messages: [{ role: "user", content: "What is the capital of Japan?" }] };

describe("createLangGraphApi", () => {
  let client: Client;
  beforeAll(async () => {
    const store = openSqliteRunStore(path.join(mkdtempSync(path.join(tmpdir(), "moa-api-")), "runs.sqlite"));
    stores.push(store);
    client = await serveApi(store);
  });

  it("answers assistants and info from the mixtures", async () => {
    const assistants = await client.assistants.search();
    expect(assistants.map((a) => a.assistant_id)).toEqual(["moa-lite"]);
    expect((await client.assistants.get("moa-lite")).graph_id).toBe("moa-lite");
  });

  it("creates, finds and searches threads", async () => {
    const thread = await client.threads.create({ graphId: "moa-lite", metadata: { title: "Japan" } });
    expect((await client.threads.get(thread.thread_id)).metadata).toMatchObject({ title: "Japan", graph_id: "moa-lite" });
    const found = await client.threads.search({ limit: 50 });
    expect(found.map((t) => t.thread_id)).toContain(thread.thread_id);
    await expect(client.threads.get(randomUUID())).rejects.toThrow(/404/);
  });

  it("streams a run with every agent's events and tokens, then keeps it in the thread state", async () => {
    const thread = await client.threads.create();
    const custom: Array<{ event: string; nodeId?: string; agent?: string }> = [];
    const tokenAgents = new Set<string>();
    const replyTokens: string[] = [];
    for await (const part of client.runs.stream(thread.thread_id, "moa-lite", {
      input: question,
      streamMode: ["custom", "messages-tuple", "values"],
    })) {
      if (part.event === "custom") custom.push(part.data as (typeof custom)[number]);
      if (part.event === "messages") {
        const [chunk, metadata] = part.data as [{ content: string }, { moa_agent?: string; tags?: string[] }];
        if (metadata.moa_agent) tokenAgents.add(metadata.moa_agent);
        if (metadata.tags?.includes("moa:reply")) replyTokens.push(chunk.content);
      }
    }
    const agents = servedPreset("moa-lite").description.layers.flatMap((layer) => layer.agents.map((agent) => agent.name));
    expect(new Set(custom.filter((e) => e.event === "agent_end").map((e) => e.agent))).toEqual(new Set(agents));
    expect(tokenAgents).toEqual(new Set(agents));
    expect(replyTokens.join("")).not.toBe("");
    const state = await client.threads.getState<{ messages: Array<{ type: string }>; answers: unknown[] }>(thread.thread_id);
    expect(state.values.messages.map((m) => m.type)).toEqual(["human", "ai"]);
    expect(state.values.answers).toHaveLength(agents.length);
    expect((await client.threads.get(thread.thread_id)).metadata).toMatchObject({ graph_id: "moa-lite" });
  });

  it("continues a thread", async () => {
    const thread = await client.threads.create();
    for await (const _ of client.runs.stream(thread.thread_id, "moa-lite", { input: question })) void _;
    for await (const _ of client.runs.stream(thread.thread_id, "moa-lite", {
      input: { messages: [{ role: "user", content: "And of France?" }] },
    }))
      void _;
    const state = await client.threads.getState<{ messages: Array<{ type: string }> }>(thread.thread_id);
    expect(state.values.messages.map((m) => m.type)).toEqual(["human", "ai", "human", "ai"]);
  });
});

describe("createLangGraphApi on a shared PostgreSQL store", () => {
  it("finds and continues through one process a thread created through another", async () => {
    const first = await openPostgresRunStore(postgresUrl);
    const second = await openPostgresRunStore(postgresUrl);
    stores.push(first, second);
    const [a, b] = [await serveApi(first), await serveApi(second)];
    const thread = await a.threads.create({ metadata: { title: "shared" } });
    expect((await b.threads.get(thread.thread_id)).metadata).toMatchObject({ title: "shared" });
    for await (const _ of a.runs.stream(thread.thread_id, "moa-lite", { input: question })) void _;
    for await (const _ of b.runs.stream(thread.thread_id, "moa-lite", { input: { messages: [{ role: "user", content: "And France?" }] } }))
      void _;
    const state = await a.threads.getState<{ messages: Array<{ type: string }> }>(thread.thread_id);
    expect(state.values.messages.map((m) => m.type)).toEqual(["human", "ai", "human", "ai"]);
    expect((await b.threads.search({ limit: 100 })).map((t) => t.thread_id)).toContain(thread.thread_id);
  });
});

describe("createLangGraphApi's thread lock", () => {
  it("refuses a run on a thread another run holds, and frees the thread when a run ends", async () => {
    const store = openSqliteRunStore(path.join(mkdtempSync(path.join(tmpdir(), "moa-api-")), "runs.sqlite"));
    stores.push(store);
    const client = await serveApi(store);
    const thread = await client.threads.create();
    const lock = await store.lockThread(thread.thread_id, { waitMs: 0 });
    const refused = async () => {
      for await (const _ of client.runs.stream(thread.thread_id, "moa-lite", { input: question })) void _;
    };
    await expect(refused()).rejects.toThrow(/409/);
    await lock.release();
    for await (const _ of client.runs.stream(thread.thread_id, "moa-lite", { input: question })) void _;
    // The run let go of the thread when its stream ended.
    const again = await store.lockThread(thread.thread_id, { waitMs: 0 });
    await again.release();
  });
});
