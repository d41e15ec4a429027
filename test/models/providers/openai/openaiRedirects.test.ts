import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTopologyGraph } from "../../../../src/graphs/buildTopologyGraph.js";
import { loadConfig } from "../../../../src/graphs/loadConfig.js";
import { checkBackends } from "../../../../src/models/checkBackends.js";
import { startLoopbackServer, type LoopbackServer } from "../../../doubles/loopback.js";
import { startOpenAIDouble, type OpenAIDouble } from "../../../doubles/openaiDouble.js";

/**
 * An OpenAI-compatible base URL that redirects elsewhere: the prompt must not follow it to a server the
 * user never named, and the messages must say it was a redirect.
 */
let good: OpenAIDouble;
let elsewhere: LoopbackServer;
let redirecting: LoopbackServer;
const reachedElsewhere: string[] = [];

beforeAll(async () => {
  good = await startOpenAIDouble({ models: { "good:1b": { reply: "fine" }, "agg:3b": { reply: "joined" } } });
  elsewhere = await startLoopbackServer(async (req, res) => {
    reachedElsewhere.push(`${req.method} ${req.url}`);
    res.writeHead(502, { "content-type": "text/html" });
    res.end("<html>Bad gateway</html>");
  });
  redirecting = await startLoopbackServer(async (req, res) => {
    res.writeHead(307, { location: `${elsewhere.url}${req.url ?? ""}` });
    res.end();
  });
});
afterAll(() => Promise.all([good.close(), elsewhere.close(), redirecting.close()]));

function topology() {
  return loadConfig({
    config: {
      defaults: { retries: 0, baseUrl: `${good.url}/v1` },
      layers: [{ agents: [`openai:x@${redirecting.url}/v1`, "openai:good:1b"] }],
      aggregator: "openai:agg:3b",
    },
  });
}

describe("OpenAI-compatible servers that redirect", () => {
  it("fail the agent naming the redirect, and send nothing to where it pointed", async () => {
    const state = await buildTopologyGraph({ topology: topology() })
      .compile()
      .invoke({ messages: [new HumanMessage("q")] });
    const bad = state.answers.find((a) => a.model.startsWith("openai:x@"))!;
    expect(bad.error).toContain(
      `the server at ${redirecting.url} redirected /v1/chat/completions to ${elsewhere.url}/v1/chat/completions (HTTP 307)`,
    );
    expect(state.messages.at(-1)?.text).toBe("joined");
    expect(reachedElsewhere).toEqual([]);
  });

  it("are reported as a redirect by the pre-flight", async () => {
    const { problems } = await checkBackends(topology(), { env: {} });
    expect(problems.map((p) => p.reason).join("\n")).toContain(`redirected /v1/models to ${elsewhere.url}/v1/models (HTTP 307)`);
    expect(reachedElsewhere).toEqual([]);
  });
});
