import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { startDevServer, type DevServer } from "../helpers/devServer.js";

const root = path.resolve(import.meta.dirname, "../..");
const userState = path.join(root, ".langgraph_api");
const userStateBefore = existsSync(userState) ? statSync(userState).mtimeMs : undefined;

let ollama: OllamaDouble;
let server: DevServer;
let client: Client;

beforeAll(async () => {
  const reply = (text: string) => ({ reply: text });
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": reply("Tokyo is the capital of Japan."),
      "llama3.2:1b": reply("Japan's capital is Tokyo."),
      "gemma2:2b": reply("Tokyo."),
      "qwen2.5:3b": reply("The capital of Japan is Tokyo."),
      "qwen2.5-math:1.5b": reply("Tokyo, 13.9 million people."),
      "qwen2.5-coder:1.5b": reply("console.log('Tokyo')"),
      "llama3.2:3b": reply("It is Tokyo."),
    },
  });
  server = await startDevServer({
    env: {
      OLLAMA_HOST: ollama.url,
      MOA_CONFIG: path.join(root, "test/fixtures/server-moa.yaml"),
      // A mistake in one graph's variable must not keep the server or the other graphs from working.
      MOA_MOSAIC_PRESET: "no-such-preset",
      MOA_DB: path.join(mkdtempSync(path.join(tmpdir(), "moa-dev-openai-")), "runs.sqlite"),
    },
  });
  client = new Client({ apiUrl: server.url });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await ollama?.close();
});

const input = { messages: [{ role: "user", content: "What is the capital of Japan?" }] };

describe("LangGraph server (langgraph.json)", () => {
  it("registers a graph for every topology", async () => {
    const assistants = await client.assistants.search({ limit: 50 });
    expect(assistants.map((a) => a.graph_id).sort()).toEqual(["coe", "moa", "mosaic", "self-moa"]);
  });

  it("keeps its state beside its own config, never in the repository's .langgraph_api", async () => {
    await client.threads.create();
    await new Promise((r) => setTimeout(r, 3_500)); // the dev server writes its state files every 3 s
    expect(existsSync(path.join(server.dir, ".langgraph_api"))).toBe(true);
    expect(existsSync(userState) ? statSync(userState).mtimeMs : undefined).toBe(userStateBefore);
  });

  it("shows the real shape of each topology for Studio", async () => {
    const expected: Record<string, string[]> = {
      moa: ["layer1/qwen2.5-1.5b", "layer1/llama3.2-1b", "layer1/gemma2-2b", "aggregator"],
      "self-moa": ["layer1/sample-1", "layer1/sample-4", "aggregator"],
      coe: ["router", "expert/qwen2.5-math-1.5b", "expert/qwen2.5-coder-1.5b", "expert/llama3.2-3b"],
    };
    for (const [graphId, nodes] of Object.entries(expected)) {
      const [assistant] = await client.assistants.search({ graphId });
      const drawing = await client.assistants.getGraph(assistant!.assistant_id);
      expect(drawing.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(nodes));
    }
  });

  it("serves input, state and configuration schemas for Studio", async () => {
    const [assistant] = await client.assistants.search({ graphId: "moa" });
    const schemas = await client.assistants.getSchemas(assistant!.assistant_id);
    expect(Object.keys((schemas.input_schema as { properties: object }).properties)).toEqual(["messages"]);
    expect((schemas.state_schema as { properties: object }).properties).toHaveProperty("answers");
    const config = schemas.config_schema as { properties: Record<string, { description?: string }> };
    expect(Object.keys(config.properties).sort()).toEqual(["backend", "configFile", "maxTokens", "preset"]);
    expect(config.properties.preset!.description).toMatch(/built-in topology/);
  });

  it("runs the graph on a thread and keeps every layer's answers in the thread state", async () => {
    const thread = await client.threads.create();
    const result = (await client.runs.wait(thread.thread_id, "moa", { input })) as { messages: Array<{ content: string }> };
    expect(result.messages.at(-1)?.content).toBe("The capital of Japan is Tokyo.");
    const state = await client.threads.getState<{ answers: Array<{ layer: number; agent: string; content?: string }> }>(thread.thread_id);
    expect(
      state.values.answers
        .filter((a) => a.layer === 1)
        .map((a) => a.content)
        .sort(),
    ).toEqual(["Japan's capital is Tokyo.", "Tokyo is the capital of Japan.", "Tokyo."]);
    expect(state.values.answers.find((a) => a.layer === 2)?.agent).toBe("aggregator");
  }, 60_000);

  it("continues the conversation on the same thread", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "moa", { input });
    const result = (await client.runs.wait(thread.thread_id, "moa", {
      input: { messages: [{ role: "user", content: "And of France?" }] },
    })) as {
      messages: Array<{ type: string }>;
    };
    expect(result.messages.map((m) => m.type)).toEqual(["human", "ai", "human", "ai"]);
  }, 60_000);
});

describe("served graphs configured per assistant and per run", () => {
  it("runs the preset an assistant names", async () => {
    const assistant = await client.assistants.create({ graphId: "moa", config: { configurable: { preset: "moa-deep" } } });
    const result = (await client.runs.wait(null, assistant.assistant_id, { input })) as { answers: Array<{ nodeId: string }> };
    // The `moa-deep` preset has a second, aggregating layer; the MOA_CONFIG file has one layer only.
    expect(result.answers.map((a) => a.nodeId)).toEqual(expect.arrayContaining(["layer2/qwen2.5-1.5b", "layer2/gemma2-2b"]));
  }, 60_000);

  it("runs the preset a run names, over the environment's file", async () => {
    const result = (await client.runs.wait(null, "moa", { input, config: { configurable: { preset: "moa-deep", maxTokens: 7 } } })) as {
      answers: Array<{ nodeId: string }>;
    };
    expect(result.answers.some((a) => a.nodeId.startsWith("layer2/"))).toBe(true);
    expect(ollama.calls.at(-1)?.options).toMatchObject({ num_predict: 7 });
  }, 60_000);

  it("runs in-process llama.cpp models inside the server (its preload must not break node-llama-cpp's binary check)", async () => {
    const configFile = path.join(root, "test/fixtures/tiny-llamacpp.yaml");
    const result = (await client.runs.wait(null, "moa", { input, config: { configurable: { configFile, maxTokens: 4 } } })) as {
      answers: Array<{ nodeId: string; error?: string; usage?: { outputTokens: number } }>;
    };
    expect(result.answers.map((a) => [a.nodeId, a.error])).toEqual([
      ["layer1/tiny-a", undefined],
      ["layer1/tiny-b", undefined],
      ["aggregator", undefined],
    ]);
    expect(result.answers.every((a) => (a.usage?.outputTokens ?? 0) > 0)).toBe(true);
  }, 120_000);

  it("fails a run whose configuration names a preset of another kind, naming the field, once-encoded", async () => {
    const result = (await client.runs.wait(null, "moa", { input, config: { configurable: { preset: "coe" } }, raiseError: false })) as {
      __error__?: { error: string; message: string };
    };
    expect(result.__error__?.error).toBe("ConfigError");
    expect(result.__error__?.message).toMatch(/configurable\.preset: "coe" is not a preset of this graph, which serves moa topologies/);
  }, 60_000);

  it("fails only the runs of a graph whose environment names an unknown preset, naming the variable", async () => {
    const failed = (await client.runs.wait(null, "mosaic", { input, raiseError: false })) as { __error__?: { message: string } };
    expect(failed.__error__?.message).toMatch(/MOA_MOSAIC_PRESET: "no-such-preset" is not a preset of this graph/);
    const fine = (await client.runs.wait(null, "moa", { input })) as { messages: Array<{ content: string }> };
    expect(fine.messages.at(-1)?.content).toBe("The capital of Japan is Tokyo.");
  }, 60_000);

  it("answers bad input with the error's own name and message, not JSON inside JSON", async () => {
    const result = (await client.runs.wait(null, "moa", { input: { messages: [] }, raiseError: false })) as {
      __error__?: { error: string; message: string };
    };
    expect(result.__error__).toEqual({
      error: "MoAInputError",
      message: "input.messages: expected at least one user (human) message to answer",
    });
  }, 60_000);
});

describe("streaming every served graph (values, updates, custom, messages; subgraphs on)", () => {
  // The mosaic graph's environment is broken on purpose (above): its run names its preset itself.
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ["moa", {}, ["layer1/qwen2.5-1.5b", "layer1/llama3.2-1b", "layer1/gemma2-2b", "aggregator"]],
    ["self-moa", {}, ["layer1/sample-1", "layer1/sample-2", "layer1/sample-3", "layer1/sample-4", "aggregator"]],
    // The LLM router's model is asked for JSON; the double's prose sends the question to the fallback.
    ["coe", {}, ["expert/llama3.2-3b"]],
    ["mosaic", { preset: "mosaic" }, ["expert/qwen2.5-1.5b", "expert/llama3.2-1b", "expert/gemma2-2b"]],
  ];

  it.each(cases)(
    "%s",
    async (graphId, configurable, agents) => {
      const thread = await client.threads.create();
      const events: Array<{ event: string; data: unknown }> = [];
      for await (const chunk of client.runs.stream(thread.thread_id, graphId, {
        input,
        config: { configurable },
        streamMode: ["values", "updates", "custom", "messages-tuple"],
        streamSubgraphs: true,
      })) {
        events.push(chunk as { event: string; data: unknown });
      }
      const kinds = new Set(events.map((e) => e.event.split("|")[0]));
      expect(events.filter((e) => e.event === "error")).toEqual([]);
      expect([...kinds]).toEqual(expect.arrayContaining(["values", "updates", "custom", "messages"]));
      // Every agent starts and ends in the custom stream.
      const custom = events.filter((e) => e.event.startsWith("custom")).map((e) => e.data as { event: string; nodeId: string });
      for (const agent of agents) {
        expect(custom.filter((c) => c.nodeId === agent).map((c) => c.event)).toEqual(expect.arrayContaining(["agent_start", "agent_end"]));
      }
      // The last values carry every agent's record, and the reply.
      const last = events.filter((e) => e.event === "values").at(-1)!.data as {
        answers: Array<{ nodeId: string }>;
        messages: Array<{ type: string }>;
      };
      expect(last.answers.map((a) => a.nodeId)).toEqual(expect.arrayContaining(agents));
      expect(last.messages.at(-1)?.type).toBe("ai");
    },
    60_000,
  );

  it("tags the tokens of the reply's model call, so clients can tell them from the layers' tokens", async () => {
    const thread = await client.threads.create();
    let reply = "";
    let others = 0;
    for await (const chunk of client.runs.stream(thread.thread_id, "moa", {
      input,
      streamMode: ["messages-tuple"],
      streamSubgraphs: true,
    })) {
      if (!chunk.event.startsWith("messages")) continue;
      const [message, metadata] = chunk.data as [{ content: string }, { tags?: string[] }];
      if (metadata.tags?.includes("moa:reply")) reply += message.content;
      else others++;
    }
    expect(reply).toBe("The capital of Japan is Tokyo.");
    expect(others).toBeGreaterThan(0);
  }, 60_000);
});

describe("OpenAI-compatible routes on the LangGraph server (http.app)", () => {
  const openai = () => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });

  it("lists a model per graph whose topology loads", async () => {
    const models = await openai().models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual(["coe", "moa", "self-moa"]);
  });

  it("answers a chat completion with the graph's topology", async () => {
    const completion = await openai().chat.completions.create({
      model: "moa",
      messages: [{ role: "user", content: "What is the capital of Japan?" }],
    });
    expect(completion.choices[0]?.message.content).toContain("Tokyo");
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("answers 503 with the reason for a graph whose topology does not load", async () => {
    const failure = await openai()
      .chat.completions.create({ model: "mosaic", messages: [{ role: "user", content: "Hi" }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failure as Error).message).toContain("no-such-preset");
  });
});
