import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../../../../src/graphs/builders.js";
import { startOllamaDouble, type OllamaDouble } from "../../../doubles/ollamaDouble.js";

let ollama: OllamaDouble;

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: "Paris is the capital of France." },
      "llama3.2:1b": { reply: "The capital is Paris." },
      "gemma2:2b": { reply: "France's capital: Paris." },
      "slow:1b": { reply: "too late", latencyMs: 10_000 },
      "hang:1b": { failure: "hang" },
      "broken:1b": { failure: "http500" },
      "qwen2.5:3b": { reply: "Paris." },
      // Servers ignoring num_predict: a long answer, an endless stream, a 5 MB error body.
      "verbose:1b": { reply: "Paris, ".repeat(1000) },
      "flood:1b": { reply: "Paris ".repeat(500_000), chunkSize: 16_384 },
      "endless:1b": { reply: "and again ", endless: true, chunkSize: 4096 },
      "bigerror:1b": { failure: "http500", errorBodyBytes: 5_000_000 },
    },
  });
});
afterAll(() => ollama.close());

function config(agents: string[], extra: Record<string, unknown> = {}) {
  return {
    defaults: { baseUrl: ollama.url, retries: 0, ...extra },
    layers: [{ agents }],
    aggregator: { model: "ollama:qwen2.5:3b", temperature: 0.2, maxTokens: 300 },
  };
}
const ask = { messages: [new HumanMessage("What is the capital of France?")] };

describe("MoA over the Ollama wire protocol", () => {
  it("answers with the aggregator's reply built from every proposer's answer", async () => {
    ollama.clearCalls();
    const graph = buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b", "ollama:gemma2:2b"]) }).compile();
    const state = await graph.invoke(ask);
    expect(state.messages.at(-1)?.text).toBe("Paris.");
    const aggregatorCall = ollama.callsFor("qwen2.5:3b")[0]!;
    const system = aggregatorCall.messages[0]!;
    expect(system.role).toBe("system");
    expect(system.content).toContain('<response id="1">\nParis is the capital of France.\n</response>');
    expect(system.content).toContain('<response id="3">\nFrance\'s capital: Paris.\n</response>');
    expect(aggregatorCall.messages[1]).toMatchObject({ role: "user", content: "What is the capital of France?" });
  });

  it("sends each agent's hyperparameters in Ollama's option names", async () => {
    ollama.clearCalls();
    const graph = buildMoAGraph({
      config: {
        ...config([]),
        layers: [
          {
            agents: [{ model: "ollama:qwen2.5:1.5b", temperature: 0.9, maxTokens: 77, topP: 0.8, topK: 20, seed: 42, contextWindow: 4096 }],
          },
        ],
      },
    }).compile();
    await graph.invoke(ask);
    expect(ollama.callsFor("qwen2.5:1.5b")[0]!.options).toMatchObject({
      temperature: 0.9,
      num_predict: 77,
      top_p: 0.8,
      top_k: 20,
      seed: 42,
      num_ctx: 4096,
    });
    expect(ollama.callsFor("qwen2.5:3b")[0]!.options).toMatchObject({ temperature: 0.2, num_predict: 300 });
  });

  it("records token usage from Ollama's eval counts", async () => {
    const graph = buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b"]) }).compile();
    const { answers } = await graph.invoke(ask);
    for (const answer of answers) {
      expect(answer.usage?.inputTokens).toBeGreaterThan(0);
      expect(answer.usage?.outputTokens).toBeGreaterThan(0);
    }
  });

  it("records a model that is not pulled as a 404 and answers with the others", async () => {
    const graph = buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b", "ollama:missing:7b"]) }).compile();
    const state = await graph.invoke(ask);
    expect(state.answers.find((a) => a.agent === "missing-7b")?.error).toBe('HTTP 404: model "missing:7b" not found, try pulling it first');
    expect(state.messages.at(-1)?.text).toBe("Paris.");
  });

  it("records a server error and answers with the others", async () => {
    const graph = buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b", "ollama:broken:1b"]) }).compile();
    const state = await graph.invoke(ask);
    expect(state.answers.find((a) => a.agent === "broken-1b")?.error).toMatch(/^HTTP 500/);
  });

  it("times out a proposer whose server stops answering, without waiting for it", async () => {
    const graph = buildMoAGraph({
      config: { ...config([]), layers: [{ agents: ["ollama:qwen2.5:1.5b", { model: "ollama:hang:1b", timeoutMs: 300 }] }] },
    }).compile();
    // The server never answers: only the timeout can end this call.
    const state = await graph.invoke(ask);
    expect(state.answers.find((a) => a.agent === "hang-1b")?.error).toBe("timed out after 300 ms");
    expect(state.messages.at(-1)?.text).toBe("Paris.");
  });

  it("reads the Ollama address from OLLAMA_HOST when the config sets none", async () => {
    const previous = process.env.OLLAMA_HOST;
    process.env.OLLAMA_HOST = ollama.url;
    try {
      const graph = buildMoAGraph({ config: { layers: [{ agents: ["ollama:gemma2:2b"] }], aggregator: "ollama:qwen2.5:3b" } }).compile();
      expect((await graph.invoke(ask)).messages.at(-1)?.text).toBe("Paris.");
    } finally {
      if (previous === undefined) delete process.env.OLLAMA_HOST;
      else process.env.OLLAMA_HOST = previous;
    }
  });

  it("streams the aggregator's tokens as Ollama sends them", async () => {
    ollama.setBehavior("qwen2.5:3b", { reply: "Paris is the capital city of France." });
    try {
      const graph = buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b"]) }).compile();
      const tokens: string[] = [];
      for await (const [chunk, meta] of await graph.stream(ask, { streamMode: "messages" })) {
        if ((meta as { langgraph_node?: string }).langgraph_node === "aggregator" && chunk.text) tokens.push(chunk.text);
      }
      expect(tokens.length).toBeGreaterThan(3);
      expect(tokens.join("")).toBe("Paris is the capital city of France.");
    } finally {
      ollama.setBehavior("qwen2.5:3b", { reply: "Paris." });
    }
  });

  it("fails an agent whose answer is far longer than its maxTokens allow, and answers with the others", async () => {
    const agents = ["ollama:qwen2.5:1.5b", { model: "ollama:verbose:1b", maxTokens: 64 }];
    const capped = await buildMoAGraph({ config: { ...config([]), layers: [{ agents }] } })
      .compile()
      .invoke(ask);
    const answer = capped.answers.find((a) => a.agent === "verbose-1b");
    expect(answer?.error).toBe(
      "the answer has 7000 characters, more than the 1024 allowed for maxTokens 64: the server may be ignoring the token limit",
    );
    expect(answer && "content" in answer).toBe(false);
    expect(capped.messages.at(-1)?.text).toBe("Paris.");
  });

  it("closes a stream that sends far more than maxTokens allow, or never ends", async () => {
    const agents = ["ollama:qwen2.5:1.5b", { model: "ollama:flood:1b", maxTokens: 64 }, { model: "ollama:endless:1b", maxTokens: 64 }];
    const state = await buildMoAGraph({ config: { ...config([]), layers: [{ agents }] } })
      .compile()
      .invoke(ask);
    for (const agent of ["flood-1b", "endless-1b"]) {
      expect(state.answers.find((a) => a.agent === agent)?.error).toBe(
        "the server sent more than 1.1 MB for one answer (the limit for maxTokens 64): it may be ignoring the token limit; the stream was closed",
      );
    }
    expect(ollama.callsFor("endless:1b").at(-1)?.outcome).toBe("aborted");
    expect(state.messages.at(-1)?.text).toBe("Paris.");
  });

  it("keeps only the start of a huge error body, printing nothing", async () => {
    // The Ollama client prints to stdout for an error body that is not its JSON: that would mix into `moa run`'s answer.
    const printed = vi.spyOn(console, "log");
    const graph = buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b", "ollama:bigerror:1b"]) }).compile();
    const { answers } = await graph.invoke(ask);
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
    const error = answers.find((a) => a.agent === "bigerror-1b")?.error ?? "";
    expect(error).toMatch(/^HTTP 500: \{"error":"llama runner process has terminated: exit status 2 \(padding\)/);
    expect(error).toMatch(/… \(truncated: the server sent more than 2 KB\)$/);
    expect(error.length).toBeLessThan(2200);
  });
});
