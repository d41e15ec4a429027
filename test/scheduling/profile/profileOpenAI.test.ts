import { afterEach, describe, expect, it } from "vitest";
import { profileOpenAI } from "../../../src/scheduling/profile/profileOpenAI.js";
import { summariseTimings } from "../../../src/scheduling/profile/summariseTimings.js";
import { startOpenAIDouble, type OpenAIDouble, type OpenAIDoubleOptions } from "../../doubles/openaiDouble.js";

const open: OpenAIDouble[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((d) => d.close()))));
const start = async (options: OpenAIDoubleOptions): Promise<OpenAIDouble> => {
  const double = await startOpenAIDouble(options);
  open.push(double);
  return double;
};
const options = (url: string, runs = 1) => ({
  baseUrl: url,
  model: "m",
  prompts: ["one", "two", "three"],
  runs,
  maxTokens: 64,
  timeoutMs: 10_000,
});

// 11 chunks of 4 characters, 20 ms apart: 200 ms from the first token to the last.
const reply = "abcd".repeat(11);

describe("profileOpenAI", () => {
  it("streams with stream_options.include_usage and max_tokens", async () => {
    const openai = await start({ models: { m: { reply } } });
    await profileOpenAI(options(openai.url));
    expect(openai.calls.map((c) => [c.stream, c.stream_options, c.max_tokens])).toEqual(
      Array.from({ length: 3 }, () => [true, { include_usage: true }, 64]),
    );
  });

  it("takes output tokens from usage.completion_tokens", async () => {
    const openai = await start({ models: { m: { reply, completionTokens: 11 } } });
    const calls = await profileOpenAI(options(openai.url));
    expect(calls.map((c) => c.outputTokens)).toEqual([11, 11, 11]);
  });

  it("times the tokens after the first: 20 ms apart gives about 0.02 s/token", async () => {
    const openai = await start({ models: { m: { reply, completionTokens: 11, chunkDelayMs: 20 } } });
    const { secondsPerOutputToken } = summariseTimings({
      calls: await profileOpenAI(options(openai.url)),
      loadFromFirstCall: "estimate",
    }).service;
    expect(secondsPerOutputToken).toBeGreaterThanOrEqual(0.018);
    expect(secondsPerOutputToken).toBeLessThan(0.05);
  });

  it("times the first token as prefill", async () => {
    const openai = await start({ models: { m: { reply, latencyMs: 150 } } });
    const calls = await profileOpenAI(options(openai.url));
    for (const call of calls) expect(call.prefillSeconds).toBeGreaterThanOrEqual(0.14);
  });

  it("estimates the load time from the first call's extra time to first token", async () => {
    const openai = await start({ models: { m: { reply, latencyMs: 20, firstCallLatencyMs: 500 } } });
    const profile = summariseTimings({ calls: await profileOpenAI(options(openai.url)), loadFromFirstCall: "estimate" });
    expect(profile.loadSeconds).toBeGreaterThanOrEqual(0.45);
    expect(profile.loadSeconds).toBeLessThan(1.5);
  });

  it("says which model the server does not have", async () => {
    const openai = await start({ models: {} });
    const error = await profileOpenAI(options(openai.url)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "model_not_found", exitCode: 3, message: expect.stringMatching(/does not have the model "m"/) });
  });

  it("refuses a stream without usage", async () => {
    const openai = await start({ models: { m: { reply, ignoreIncludeUsage: true } } });
    const error = await profileOpenAI(options(openai.url)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unexpected_response", message: expect.stringMatching(/no usage\.completion_tokens/) });
  });

  it("says the server cannot be reached", async () => {
    const openai = await start({ models: {} });
    const url = openai.url;
    await openai.close();
    const error = await profileOpenAI(options(url)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "server_unreachable", exitCode: 3 });
  });

  it("reports an HTTP error with the server's message", async () => {
    const openai = await start({ models: { m: { failure: "http500" } } });
    const error = await profileOpenAI(options(openai.url)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "server_error", message: expect.stringMatching(/HTTP 500: "The server had an error/) });
  });
});
