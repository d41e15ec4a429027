import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { unusedPort } from "../helpers/ports.js";

const root = path.resolve(import.meta.dirname, "../..");
let ollama: OllamaDouble;
let server: ChildProcess;
let client: Client;
let serverLog = "";

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: "Tokyo is the capital of Japan." },
      "llama3.2:1b": { reply: "Japan's capital is Tokyo." },
      "gemma2:2b": { reply: "Tokyo." },
      "qwen2.5:3b": { reply: "The capital of Japan is Tokyo." },
    },
  });
  const port = await unusedPort();
  server = spawn(process.execPath, [path.join(root, "node_modules/@langchain/langgraph-cli/dist/cli/cli.mjs"), "dev", "--no-browser", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: root,
    env: { ...process.env, OLLAMA_HOST: ollama.url, MOA_CONFIG: path.join(root, "test/fixtures/server-moa.yaml"), LANGSMITH_TRACING: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  server.stdout?.on("data", (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (serverLog += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(url, 90_000);
  client = new Client({ apiUrl: url });
}, 120_000);

afterAll(async () => {
  // The dev server spawns workers; end the whole process group.
  if (server?.pid) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  await ollama?.close();
});

const input = { messages: [{ role: "user", content: "What is the capital of Japan?" }] };

describe("LangGraph server (langgraph.json)", () => {
  it("registers a graph for every topology", async () => {
    const assistants = await client.assistants.search({ limit: 50 });
    expect(assistants.map((a) => a.graph_id).sort()).toEqual(["coe", "moa", "mosaic", "self-moa"]);
  });

  it("serves schemas and the real shape of each topology for Studio", async () => {
    const expected: Record<string, string[]> = {
      "self-moa": ["layer1/sample-1", "layer1/sample-4", "aggregator"],
      coe: ["router", "expert/qwen2.5-math-1.5b", "expert/qwen2.5-coder-1.5b", "expert/llama3.2-3b"],
      mosaic: ["expert/qwen2.5-1.5b", "gate", "aggregator"],
    };
    for (const [graphId, nodes] of Object.entries(expected)) {
      const [assistant] = await client.assistants.search({ graphId });
      const schemas = await client.assistants.getSchemas(assistant!.assistant_id);
      expect((schemas.state_schema as { properties: object }).properties).toHaveProperty("answers");
      const drawing = await client.assistants.getGraph(assistant!.assistant_id);
      expect(drawing.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(nodes));
    }
  });

  it("serves input and state schemas for Studio", async () => {
    const [assistant] = await client.assistants.search({ graphId: "moa" });
    const schemas = await client.assistants.getSchemas(assistant!.assistant_id);
    expect(Object.keys((schemas.input_schema as { properties: object }).properties)).toEqual(["messages"]);
    expect((schemas.state_schema as { properties: object }).properties).toHaveProperty("answers");
  });

  it("shows one node per agent in the graph drawing", async () => {
    const [assistant] = await client.assistants.search({ graphId: "moa" });
    const drawing = await client.assistants.getGraph(assistant!.assistant_id);
    expect(drawing.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(["layer1/qwen2.5-1.5b", "layer1/llama3.2-1b", "layer1/gemma2-2b", "aggregator"]));
  });

  it("runs the graph on a thread and keeps every layer's answers in the thread state", async () => {
    const thread = await client.threads.create();
    const result = (await client.runs.wait(thread.thread_id, "moa", { input })) as { messages: Array<{ content: string }> };
    expect(result.messages.at(-1)?.content).toBe("The capital of Japan is Tokyo.");
    const state = await client.threads.getState<{ answers: Array<{ layer: number; agent: string; content?: string }> }>(thread.thread_id);
    const answers = state.values.answers;
    expect(answers.filter((a) => a.layer === 1).map((a) => a.content).sort()).toEqual(["Japan's capital is Tokyo.", "Tokyo is the capital of Japan.", "Tokyo."]);
    expect(answers.find((a) => a.layer === 2)?.agent).toBe("aggregator");
  }, 60_000);

  it("streams per-agent updates and the final answer's tokens", async () => {
    const thread = await client.threads.create();
    const updatedNodes: string[] = [];
    let tokens = "";
    for await (const chunk of client.runs.stream(thread.thread_id, "moa", { input, streamMode: ["updates", "messages-tuple"] })) {
      if (chunk.event === "updates") updatedNodes.push(...Object.keys(chunk.data as object));
      if (chunk.event === "messages") {
        const [message, metadata] = chunk.data as [{ content: string }, { langgraph_node?: string }];
        if (metadata.langgraph_node === "aggregator") tokens += message.content;
      }
    }
    expect(updatedNodes.sort()).toEqual(["aggregator", "layer1/gemma2-2b", "layer1/llama3.2-1b", "layer1/qwen2.5-1.5b"]);
    expect(tokens).toBe("The capital of Japan is Tokyo.");
  }, 60_000);

  it("continues the conversation on the same thread", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "moa", { input });
    const result = (await client.runs.wait(thread.thread_id, "moa", { input: { messages: [{ role: "user", content: "And of France?" }] } })) as {
      messages: Array<{ type: string }>;
    };
    expect(result.messages.map((m) => m.type)).toEqual(["human", "ai", "human", "ai"]);
  }, 60_000);
});

async function waitForOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`LangGraph dev server exited early:\n${serverLog}`);
    try {
      if ((await fetch(`${url}/ok`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`LangGraph dev server not ready after ${timeoutMs} ms:\n${serverLog}`);
}
