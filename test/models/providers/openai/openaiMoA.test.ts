import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../../../../src/graphs/builders.js";
import { startOpenAIDouble, type OpenAIDouble } from "../../../doubles/openaiDouble.js";

let server: OpenAIDouble;

beforeAll(async () => {
  server = await startOpenAIDouble({
    requireApiKey: "sk-test",
    models: {
      "meta-llama/Llama-3.2-3B-Instruct": { reply: "Water boils at 100 degrees Celsius at sea level." },
      "Qwen/Qwen2.5-7B-Instruct": { reply: "At sea level, 100 °C." },
      "mistralai/Mixtral-8x7B-Instruct": { reply: "100 degrees Celsius (212 °F) at one atmosphere." },
      // Servers ignoring max_tokens: a long answer, a huge one, an endless stream, a 5 MB error body.
      verbose: { reply: "Boils at 100. ".repeat(500) },
      flood: { reply: "100 degrees ".repeat(300_000), chunkSize: 16_384 },
      endless: { reply: "and again ", endless: true, chunkSize: 4096 },
      bigerror: { failure: "http500", errorBodyBytes: 5_000_000 },
    },
  });
});
afterAll(() => server.close());

const ask = { messages: [new HumanMessage("At what temperature does water boil?")] };

function topology(apiKey = "sk-test") {
  return {
    defaults: { baseUrl: `${server.url}/v1`, apiKey, retries: 0 },
    layers: [
      {
        agents: [
          "openai:meta-llama/Llama-3.2-3B-Instruct",
          { model: "openai:Qwen/Qwen2.5-7B-Instruct", seed: 7, topP: 0.9, maxTokens: 64 },
        ],
      },
    ],
    aggregator: "openai:mistralai/Mixtral-8x7B-Instruct",
  };
}

describe("MoA over an OpenAI-compatible server (SSE)", () => {
  it("answers through the openai: provider with the configured key", async () => {
    server.clearCalls();
    const state = await buildMoAGraph({ config: topology() }).compile().invoke(ask);
    expect(state.messages.at(-1)?.text).toBe("100 degrees Celsius (212 °F) at one atmosphere.");
    expect(server.calls.every((c) => c.authorization === "Bearer sk-test")).toBe(true);
    expect(server.callsFor("mistralai/Mixtral-8x7B-Instruct")[0]!.messages[0]!.content).toContain("At sea level, 100 °C.");
  });

  it("sends seed, top_p and max_tokens", async () => {
    server.clearCalls();
    await buildMoAGraph({ config: topology() }).compile().invoke(ask);
    expect(server.callsFor("Qwen/Qwen2.5-7B-Instruct")[0]).toMatchObject({ seed: 7, top_p: 0.9, max_tokens: 64 });
  });

  it("streams the aggregator's tokens over SSE and records usage", async () => {
    const graph = buildMoAGraph({ config: topology() }).compile();
    const tokens: string[] = [];
    let final: { answers: Array<{ usage?: { outputTokens: number } }> } | undefined;
    for await (const [mode, data] of await graph.stream(ask, { streamMode: ["messages", "values"] })) {
      if (mode === "values") final = data as typeof final;
      if (mode === "messages") {
        const [chunk, meta] = data as [{ text: string }, { langgraph_node?: string }];
        if (meta.langgraph_node === "aggregator" && chunk.text) tokens.push(chunk.text);
      }
    }
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join("")).toBe("100 degrees Celsius (212 °F) at one atmosphere.");
    expect(final?.answers.every((a) => (a.usage?.outputTokens ?? 0) > 0)).toBe(true);
  });

  it("records a rejected key as each agent's error and fails the run with them", async () => {
    const graph = buildMoAGraph({ config: topology("wrong") }).compile();
    await expect(graph.invoke(ask)).rejects.toThrow(/layer 1: no agent answered[\s\S]*HTTP 401/);
  });
});

describe("openai: servers that send too much", () => {
  const withProposers = (agents: Array<string | { model: string; maxTokens?: number }>) => ({
    ...topology(),
    layers: [{ agents: ["openai:Qwen/Qwen2.5-7B-Instruct", ...agents] }],
  });
  const tooMuch =
    "the server sent more than 1.1 MB for one answer (the limit for maxTokens 64): it may be ignoring the token limit; the stream was closed";

  it("fails an agent whose answer is far longer than its maxTokens allow", async () => {
    const state = await buildMoAGraph({ config: withProposers([{ model: "openai:verbose", maxTokens: 64 }]) })
      .compile()
      .invoke(ask);
    expect(state.answers.find((a) => a.agent === "verbose")?.error).toBe(
      "the answer has 7000 characters, more than the 1024 allowed for maxTokens 64: the server may be ignoring the token limit",
    );
    expect(state.messages.at(-1)?.text).toBe("100 degrees Celsius (212 °F) at one atmosphere.");
  });

  it("stops reading a whole JSON answer past the limit", async () => {
    const state = await buildMoAGraph({ config: withProposers([{ model: "openai:flood", maxTokens: 64 }]) })
      .compile()
      .invoke(ask);
    expect(state.answers.find((a) => a.agent === "flood")?.error).toBe(tooMuch);
  });

  it("closes SSE streams that go past the limit or never end", async () => {
    const graph = buildMoAGraph({
      config: withProposers([
        { model: "openai:flood", maxTokens: 64 },
        { model: "openai:endless", maxTokens: 64 },
      ]),
    }).compile();
    let final: { answers: Array<{ agent: string; error?: string }> } | undefined;
    for await (const [mode, data] of await graph.stream(ask, { streamMode: ["messages", "values"] })) {
      if (mode === "values") final = data as typeof final;
    }
    expect(server.callsFor("endless").at(-1)?.stream).toBe(true);
    expect(final?.answers.find((a) => a.agent === "flood")?.error).toBe(tooMuch);
    expect(final?.answers.find((a) => a.agent === "endless")?.error).toBe(tooMuch);
  });

  it("keeps only the start of a huge error body", async () => {
    const state = await buildMoAGraph({ config: withProposers(["openai:bigerror"]) })
      .compile()
      .invoke(ask);
    const error = state.answers.find((a) => a.agent === "bigerror")?.error ?? "";
    expect(error).toMatch(/^HTTP 500: .*The server had an error while processing your request/);
    expect(error.length).toBeLessThan(2200);
  });
});

describe("openai: agents that cannot be set up", () => {
  it("records a proposer whose key variable is unset and answers with the others", async () => {
    const baseUrl = `${server.url}/v1`;
    const state = await buildMoAGraph({
      config: {
        defaults: { baseUrl, retries: 0 },
        layers: [
          {
            agents: [
              { model: "openai:Qwen/Qwen2.5-7B-Instruct", apiKey: "sk-test" },
              { model: "openai:meta-llama/Llama-3.2-3B-Instruct", apiKeyEnv: "MOA_API_KEY_TEST_UNSET" },
            ],
          },
        ],
        aggregator: { model: "openai:mistralai/Mixtral-8x7B-Instruct", apiKey: "sk-test" },
      },
    })
      .compile()
      .invoke(ask);
    expect(state.answers.find((a) => a.agent === "Llama-3.2-3B-Instruct")?.error).toMatch(/no API key .*MOA_API_KEY_TEST_UNSET/);
    expect(state.messages.at(-1)?.text).toBe("100 degrees Celsius (212 °F) at one atmosphere.");
  });
});
