import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildTopologyGraph } from "../../../../src/graphs/buildTopologyGraph.js";
import { loadConfig } from "../../../../src/graphs/loadConfig.js";
import { checkBackends } from "../../../../src/models/checkBackends.js";
import { startOpenAIDouble, type OpenAIDouble } from "../../../doubles/openaiDouble.js";

let server: OpenAIDouble;

beforeAll(async () => {
  // A local server that needs no key, like vLLM, LM Studio or Ollama's /v1.
  server = await startOpenAIDouble({
    models: { "qwen2.5:1.5b": { reply: "Rayleigh scattering." }, "qwen2.5:3b": { reply: "Blue light scatters most." } },
  });
});
afterAll(() => server.close());

function topologyAt(baseUrl: string) {
  return loadConfig({
    config: { defaults: { baseUrl, retries: 0 }, layers: [{ agents: ["openai:qwen2.5:1.5b"] }], aggregator: "openai:qwen2.5:3b" },
  });
}

describe("pre-flight of OpenAI-compatible servers", () => {
  it("passes a server given by base URL without any API key", async () => {
    const { problems, runnable } = await checkBackends(topologyAt(`${server.url}/v1`), { env: {} });
    expect(problems).toEqual([]);
    expect(runnable).toBe(true);
  });

  it("runs a topology on that server without OPENAI_API_KEY", async () => {
    const graph = buildTopologyGraph({ topology: topologyAt(`${server.url}/v1`) }).compile();
    const state = await graph.invoke({ messages: [new HumanMessage("Why is the sky blue?")] });
    expect(state.messages.at(-1)?.text).toBe("Blue light scatters most.");
  });

  it("fails a server whose model list answers 404, naming the URL and the likely fix", async () => {
    const { problems, runnable } = await checkBackends(topologyAt(server.url), { env: {} });
    expect(runnable).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ backend: "openai", target: server.url });
    expect(problems[0]!.reason).toBe(`GET ${server.url}/models answered HTTP 404: no OpenAI-compatible API at this address`);
    expect(problems[0]!.fix).toMatch(/ends in \/v1/);
  });

  it("does not suggest adding /v1 to a base URL that has it", async () => {
    const { problems } = await checkBackends(topologyAt(`${server.url}/v1/v1`), { env: {} });
    expect(problems[0]!.reason).toMatch(/answered HTTP 404/);
    expect(problems[0]!.fix).not.toMatch(/ends in \/v1/);
    expect(problems[0]!.fix).toMatch(/right port/);
  });

  it("still requires OPENAI_API_KEY for the OpenAI API itself", async () => {
    const topology = loadConfig({ config: { layers: [{ agents: ["openai:gpt-4o-mini"] }], aggregator: "openai:gpt-4o" } });
    const { problems, runnable } = await checkBackends(topology, { env: {} });
    expect(runnable).toBe(false);
    expect(problems[0]).toMatchObject({ target: "https://api.openai.com/v1", reason: "no API key (OPENAI_API_KEY is not set)" });
  });
});
