import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildMoAGraph } from "../../../../src/graphs/builders.js";
import { parseModelRef } from "../../../../src/models/parseModelRef.js";
import { ollamaProvider } from "../../../../src/models/providers/ollama/ollamaProvider.js";
import { probeOllama } from "../../../../src/models/providers/ollama/probeOllama.js";
import type { PrepareContext, RefAgent } from "../../../../src/models/providers/ModelProvider.js";
import { sendJson, startLoopbackServer, type LoopbackServer } from "../../../doubles/loopback.js";
import { startOllamaDouble, type OllamaDouble } from "../../../doubles/ollamaDouble.js";
import { startTlsServer, type TlsServer } from "../../../helpers/tlsServer.js";

/**
 * Servers that answer, but not as the Ollama the user named: a redirect elsewhere, a TLS handshake
 * that fails. Each must say what happened, never "start Ollama" or a crash inside the client.
 */
let ollama: OllamaDouble;
let elsewhere: LoopbackServer;
let redirecting: LoopbackServer;
let tls: TlsServer;
let proxyError: LoopbackServer;

beforeAll(async () => {
  ollama = await startOllamaDouble({ models: { "good:1b": { reply: "The answer is 4." }, "agg:3b": { reply: "4." } } });
  // What a redirect leads to: a server answering JSON that is no chat message.
  elsewhere = await startLoopbackServer(async (_req, res) => sendJson(res, 200, { ok: true }));
  redirecting = await startLoopbackServer(async (req, res) => {
    res.writeHead(301, { location: `${elsewhere.url}/elsewhere${req.url ?? ""}` });
    res.end();
  });
  tls = await startTlsServer();
  // A reverse proxy in front of Ollama that answers with its own HTML error page.
  proxyError = await startLoopbackServer(async (_req, res) => {
    res.writeHead(502, { "content-type": "text/html" });
    res.end("<html><body>Bad gateway</body></html>");
  });
});
afterAll(() => Promise.all([ollama.close(), elsewhere.close(), redirecting.close(), tls.close(), proxyError.close()]));

const ask = { messages: [new HumanMessage("What is 2+2?")] };

async function answerOf(badBaseUrl: string) {
  const graph = buildMoAGraph({
    config: {
      defaults: { retries: 0, baseUrl: ollama.url, timeoutMs: 5_000 },
      layers: [{ agents: [`ollama:m@${badBaseUrl}`, "ollama:good:1b"] }],
      aggregator: "ollama:agg:3b",
    },
  }).compile();
  const state = await graph.invoke(ask);
  expect(state.messages.at(-1)?.text).toBe("4.");
  return state.answers.find((a) => a.model.startsWith("ollama:m@"))!;
}

describe("Ollama chat calls", () => {
  it("do not follow a redirect: the agent's error names where it pointed", async () => {
    const bad = await answerOf(redirecting.url);
    expect(bad.error).toBe(
      `the server at ${redirecting.url} redirected /api/chat to ${elsewhere.url}/elsewhere/api/chat (HTTP 301); redirects are not followed`,
    );
    expect(bad.content).toBeUndefined();
  });

  it("report an HTML error page as the agent's error, printing nothing to stdout", async () => {
    const printed = vi.spyOn(console, "log");
    const bad = await answerOf(proxyError.url);
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
    expect(bad.error).toBe("HTTP 502: <html><body>Bad gateway</body></html>");
  });

  it("say a TLS failure is TLS, with its code and fix", async () => {
    const bad = await answerOf(tls.url);
    expect(bad.error).toMatch(/^TLS error: the server's certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\); trust its CA/);
  });
});

describe("probeOllama", () => {
  const agentsAt = (url: string): RefAgent[] =>
    [{ id: "layer1/m", name: "m", model: parseModelRef(`ollama:m@${url}`) }] as unknown as RefAgent[];

  it("reports a redirect with where it pointed, and does not suggest starting Ollama", async () => {
    const [finding] = await probeOllama(redirecting.url, agentsAt(redirecting.url), 3_000);
    expect(finding?.reason).toBe(`the server at ${redirecting.url} redirected /api/tags to ${elsewhere.url}/elsewhere/api/tags (HTTP 301)`);
    expect(finding?.fix).not.toMatch(/start Ollama|ollama serve/);
  });

  it("reports a TLS failure as TLS, with the certificate fix instead of starting Ollama", async () => {
    const [finding] = await probeOllama(tls.url, agentsAt(tls.url), 3_000);
    expect(finding?.reason).toBe("TLS error: the server's certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(finding?.fix).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(finding?.fix).not.toMatch(/start Ollama|ollama serve/);
  });
});

describe("ollamaProvider.prepare (moa models pull --backend ollama)", () => {
  const context: PrepareContext = {
    pull: true,
    strict: true,
    env: {},
    notify: () => undefined,
    progress: () => ({ update: () => undefined, done: () => undefined }),
  };
  const prepareAt = (url: string): Promise<void> =>
    ollamaProvider.prepare!([{ id: "m", name: "m", model: parseModelRef(`ollama:m@${url}`) }] as unknown as RefAgent[], context);

  it("says a server that answers, but not as Ollama, is not Ollama, instead of asking to start it", async () => {
    const notOllama = await startLoopbackServer(async (_req, res) => sendJson(res, 404, { detail: "Not Found" }));
    try {
      const error = await prepareAt(notOllama.url).catch((e: unknown) => e as Error);
      expect(error?.message).toMatch(/GET \/api\/tags answered HTTP 404 without a model list; is this an Ollama server\?/);
      expect(error?.message).not.toMatch(/start it|ollama serve/);
    } finally {
      await notOllama.close();
    }
  });

  it("says TLS for a TLS failure, instead of asking to start Ollama", async () => {
    const error = await prepareAt(tls.url).catch((e: unknown) => e as Error);
    expect(error?.message).toMatch(/^Ollama at https:\/\/127\.0\.0\.1:\d+ failed: TLS error: the server's certificate is self-signed/);
    expect(error?.message).not.toMatch(/start it|ollama serve/);
  });
});
