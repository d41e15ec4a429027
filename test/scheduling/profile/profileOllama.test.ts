import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { profileOllama } from "../../../src/scheduling/profile/profileOllama.js";
import { summariseTimings } from "../../../src/scheduling/profile/summariseTimings.js";
import { trackedOllamaDoubles } from "../../helpers/trackedOllamaDoubles.js";

const start = trackedOllamaDoubles();
const timings = { loadNs: 3e9, promptEvalNs: 2.5e8, evalNs: 2e9, warmLoadNs: 1e7 };
const options = (url: string) => ({ baseUrl: url, model: "m", prompts: ["one", "two"], runs: 2, maxTokens: 64, timeoutMs: 10_000 });

describe("profileOllama", () => {
  it("unloads the model first with keep_alive 0 and no messages", async () => {
    const ollama = await start({ models: { m: { timings, evalTokens: 100 } } });
    await profileOllama(options(ollama.url));
    expect(ollama.calls[0]).toMatchObject({ model: "m", messages: [], keepAlive: 0 });
  });

  it("sends every prompt runs times, unstreamed, with num_predict and keep_alive", async () => {
    const ollama = await start({ models: { m: { timings, evalTokens: 100 } } });
    await profileOllama(options(ollama.url));
    expect(ollama.calls.slice(1).map((c) => [c.messages[0]?.content, c.stream, c.options.num_predict, c.keepAlive])).toEqual([
      ["one", false, 64, "10m"],
      ["two", false, 64, "10m"],
      ["one", false, 64, "10m"],
      ["two", false, 64, "10m"],
    ]);
  });

  it("reads load_duration as the load time of the first call after the unload", async () => {
    const ollama = await start({ models: { m: { timings, evalTokens: 100 } } });
    await profileOllama(options(ollama.url)); // loads m
    const calls = await profileOllama(options(ollama.url)); // unloads it again first
    expect(calls.map((c) => c.loadSeconds)).toEqual([3, 0.01, 0.01, 0.01]);
  });

  it("derives 0.02 s/token from eval_duration 2e9 ns for 100 tokens, and prefill from prompt_eval_duration", async () => {
    const ollama = await start({ models: { m: { timings, evalTokens: 100, promptTokens: 12 } } });
    const profile = summariseTimings({ calls: await profileOllama(options(ollama.url)), loadFromFirstCall: "reported" });
    expect(profile).toMatchObject({
      loadSeconds: 3,
      service: { prefillSeconds: 0.25, secondsPerOutputToken: 0.02, outputTokens: { mean: 100, sd: 0 } },
      calls: 4,
      promptTokensMean: 12,
    });
  });

  it("says to ollama pull a model the server does not have (exit 3)", async () => {
    const ollama = await start({ models: {} });
    const error = await profileOllama({ ...options(ollama.url), model: "qwen2.5:7b" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "model_not_found", exitCode: 3, fix: expect.stringMatching(/^ollama pull qwen2\.5:7b/) });
  });

  it("says the server cannot be reached", async () => {
    const ollama = await start({ models: {} });
    const url = ollama.url;
    await ollama.close();
    const error = await profileOllama(options(url)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "server_unreachable",
      exitCode: 3,
      message: expect.stringMatching(/Ollama server at .* cannot be reached: connection refused/),
    });
  });

  it("refuses an answer without eval_duration", async () => {
    const ollama = await start({ models: { m: { timings, omitStats: ["eval_duration"] } } });
    const error = await profileOllama(options(ollama.url)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unexpected_response", message: expect.stringMatching(/without eval_duration/) });
  });

  it("refuses an answer that is not JSON", async () => {
    // A web server that answers every request with a page, as a wrong port might.
    const server = createServer((_req, res) => res.end("<html>hello</html>"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await profileOllama(options(`http://127.0.0.1:${port}`)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "unexpected_response", message: expect.stringMatching(/not JSON \("<html>hello<\/html>"\)/) });
    } finally {
      server.close();
    }
  });

  it("gives up on a server that does not answer within the timeout", async () => {
    const ollama = await start({ models: { m: { failure: "hang" } } });
    const error = await profileOllama({ ...options(ollama.url), timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "server_timeout", exitCode: 3 });
  });

  it("stops with an interruption when its signal aborts (Ctrl-C)", async () => {
    const ollama = await start({ models: { m: { failure: "hang" } } });
    const error = await profileOllama({ ...options(ollama.url), signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "interrupted", exitCode: 130 });
  });
});
