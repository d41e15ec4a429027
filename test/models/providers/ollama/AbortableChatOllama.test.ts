import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortableChatOllama } from "../../../../src/models/providers/ollama/AbortableChatOllama.js";
import { startOllamaDouble, type OllamaDouble } from "../../../doubles/ollamaDouble.js";
import { until } from "../../../helpers/until.js";

let ollama: OllamaDouble;
beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "thinking:1b": { reply: "never seen", latencyMs: 60_000 },
      "trickle:1b": { reply: "one two three four five six seven eight nine ten", chunkSize: 4, chunkDelayMs: 300 },
    },
  });
});
afterAll(() => ollama.close());

async function outcomeOf(model: string): Promise<string | undefined> {
  await until(() => ollama.callsFor(model).at(-1)?.outcome !== undefined, 10_000);
  return ollama.callsFor(model).at(-1)?.outcome;
}

describe("AbortableChatOllama", () => {
  it("closes the request when the call is cancelled before the first byte", async () => {
    const model = new AbortableChatOllama({ model: "thinking:1b", baseUrl: ollama.url });
    const controller = new AbortController();
    const call = model.invoke("Hi", { signal: controller.signal });
    await until(() => ollama.callsFor("thinking:1b").length === 1, 10_000);
    controller.abort();
    await expect(call).rejects.toThrow();
    expect(await outcomeOf("thinking:1b")).toBe("aborted");
  });

  it("closes the request when a stream is cancelled mid-way", async () => {
    const model = new AbortableChatOllama({ model: "trickle:1b", baseUrl: ollama.url });
    const controller = new AbortController();
    const chunks: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of await model.stream("Hi", { signal: controller.signal })) {
          chunks.push(chunk.text);
          controller.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(chunks).toHaveLength(1);
    expect(await outcomeOf("trickle:1b")).toBe("aborted");
  });

  it("answers a call that is not cancelled", async () => {
    const model = new AbortableChatOllama({ model: "trickle:1b", baseUrl: ollama.url });
    expect((await model.invoke("Hi")).text).toBe("one two three four five six seven eight nine ten");
  });
});
