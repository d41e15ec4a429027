import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startServeApp, type ServeAppHarness } from "../serveAppHarness.js";

let harness: ServeAppHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function client(options: Parameters<typeof startServeApp>[0] = {}): Promise<OpenAI> {
  harness = await startServeApp(options);
  return new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: options.apiKeys?.[0] ?? "unused", maxRetries: 0 });
}

describe("POST /v1/chat/completions with the openai client", () => {
  it("answers with the final aggregator's reply and usage summed over every call", async () => {
    const openai = await client();
    const completion = await openai.chat.completions.create({ model: "test-moa", messages: [{ role: "user", content: "Hi" }] });
    expect(completion.choices[0]?.message.content).toBe("aggregator says hello world");
    // Three calls (two proposers, the aggregator), each reporting word-count usage.
    const calls = [...harness!.models.values()].flat().reduce((n, model) => n + model.calls.length, 0);
    expect(calls).toBe(3);
    expect(completion.usage?.completion_tokens).toBe(3 * 4);
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + 12);
  });

  it("streams the reply's tokens as chunks, then usage, then ends", async () => {
    const openai = await client();
    const stream = await openai.chat.completions.create({
      model: "test-moa",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) deltas.push(delta);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("aggregator says hello world");
    expect(usage?.completion_tokens).toBe(12);
  });

  it("lists the served mixtures with what each is made of", async () => {
    const openai = await client();
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["test-moa"]);
    const description = (models.data[0] as unknown as { moa: { kind: string; agents: number; layers: Array<{ agents: unknown[] }> } }).moa;
    expect(description.kind).toBe("moa");
    expect(description.agents).toBe(3);
    expect(description.layers.map((layer) => layer.agents.length)).toEqual([2, 1]);
  });

  it("adds every agent's answer when the client asks for details, and nothing when it does not", async () => {
    const openai = await client();
    const plain = await openai.chat.completions.create({ model: "test-moa", messages: [{ role: "user", content: "Hi" }] });
    expect(plain).not.toHaveProperty("moa");
    const detailed = await openai.chat.completions.create({
      model: "test-moa",
      messages: [{ role: "user", content: "Hi" }],
      // @ts-expect-error the extension field is not part of OpenAI's types
      moa: { details: true },
    });
    const answers = (detailed as unknown as { moa: { answers: Array<{ nodeId: string; text?: string }> } }).moa.answers;
    expect(answers.map((a) => a.nodeId).sort()).toEqual(["aggregator", "layer1/p1", "layer1/p2"]);
  });

  it("refuses an unknown model with 404 naming the served ones", async () => {
    const openai = await client();
    const failure = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((failure as Error).message).toContain("test-moa");
  });

  it("refuses an invalid body with 400 naming the field", async () => {
    const openai = await client();
    const failure = await openai.chat.completions
      .create({ model: "test-moa", messages: [{ role: "user", content: "Hi" }], temperature: 7 })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("temperature");
  });

  it("refuses a missing or wrong API key with 401", async () => {
    const openai = await client({ apiKeys: ["sk-right"] });
    const wrong = new OpenAI({ baseURL: `${harness!.url}/v1`, apiKey: "sk-wrong", maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await openai.models.list()).data).toHaveLength(1);
  });

  it("refuses a body over the size limit with 413", async () => {
    const openai = await client({ maxBodyBytes: 2_000 });
    const failure = await openai.chat.completions
      .create({ model: "test-moa", messages: [{ role: "user", content: "x".repeat(5_000) }] })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    // The connection the refused body was on is closed, not reused half-read.
    expect((await openai.models.list()).data).toHaveLength(1);
  });

  it("answers 429 with Retry-After once the runs and the queue are full", async () => {
    const openai = await client({ maxRunning: 1, maxWaiting: 0, latencyMs: 300 });
    const first = openai.chat.completions.create({ model: "test-moa", messages: [{ role: "user", content: "one" }] });
    await until(() => harness!.slots.load.running === 1);
    const failure = await openai.chat.completions
      .create({ model: "test-moa", messages: [{ role: "user", content: "two" }] })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    expect((failure as InstanceType<typeof OpenAI.RateLimitError>).headers?.["retry-after"]).toBe("1");
    expect((await first).choices[0]?.message.content).toBe("aggregator says hello world");
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
