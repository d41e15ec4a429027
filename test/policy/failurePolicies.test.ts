import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { AggregatorFailedError } from "../../src/nodes/aggregate.js";
import type { MoAStreamEvent } from "../../src/nodes/callAgent.js";
import { LayerFailedError } from "../../src/nodes/layerReferences.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";

let ollama: OllamaDouble;

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: "Paris is the capital of France." },
      "llama3.2:1b": { reply: "The capital is Paris." },
      "broken:1b": { failure: "http500" },
      "hang:1b": { failure: "hang" },
      "qwen2.5:3b": { reply: "Paris." },
    },
  });
});
afterAll(() => ollama.close());

const ask = { messages: [new HumanMessage("What is the capital of France?")] };

function config(agents: string[], { aggregator = "ollama:qwen2.5:3b", ...defaults }: Record<string, unknown> = {}) {
  return {
    defaults: { baseUrl: ollama.url, retries: 1, retryBackoffMs: 1, ...defaults },
    layers: [{ agents }],
    aggregator: aggregator as string,
  };
}

describe("retries over the Ollama wire protocol", () => {
  it("answers on the retry when the first call gets a 500, recording 2 attempts", async () => {
    ollama.setBehavior("flaky:1b", { reply: "Paris, on the second try.", failFirst: 1 });
    const state = await buildMoAGraph({ config: config(["ollama:flaky:1b"]) })
      .compile()
      .invoke(ask);
    const answer = state.answers.find((a) => a.agent === "flaky-1b");
    expect(answer).toMatchObject({ content: "Paris, on the second try.", attempts: 2 });
    expect(answer?.error).toBeUndefined();
  });

  it("records one attempt for a call that succeeds at once", async () => {
    const state = await buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b"]) })
      .compile()
      .invoke(ask);
    expect(state.answers.find((a) => a.agent === "qwen2.5-1.5b")?.attempts).toBe(1);
  });

  it("does not retry a 404: the double sees one call", async () => {
    ollama.clearCalls();
    const state = await buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b", "ollama:missing:7b"], { retries: 3 }) })
      .compile()
      .invoke(ask);
    expect(ollama.callsFor("missing:7b")).toHaveLength(1);
    expect(state.answers.find((a) => a.agent === "missing-7b")).toMatchObject({ attempts: 1, error: expect.stringMatching(/^HTTP 404/) });
  });

  it("gives up after `retries` retries of a 500, recording every attempt", async () => {
    ollama.clearCalls();
    const state = await buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b", "ollama:broken:1b"], { retries: 2 }) })
      .compile()
      .invoke(ask);
    expect(ollama.callsFor("broken:1b")).toHaveLength(3);
    expect(state.answers.find((a) => a.agent === "broken-1b")).toMatchObject({ attempts: 3, error: expect.stringMatching(/^HTTP 500/) });
  });

  it("waits a 429's Retry-After before retrying", async () => {
    ollama.clearCalls();
    ollama.setBehavior("limited:1b", { reply: "Paris.", failFirst: 1, failureStatus: 429, retryAfter: "1" });
    const state = await buildMoAGraph({ config: config(["ollama:limited:1b"]) })
      .compile()
      .invoke(ask);
    const [first, second] = ollama.callsFor("limited:1b");
    // retryBackoffMs is 1 ms here, so only the header can account for a wait of about a second.
    expect(second!.startedAt - first!.startedAt).toBeGreaterThanOrEqual(900);
    expect(state.answers.find((a) => a.agent === "limited-1b")?.attempts).toBe(2);
  });

  it("does not retry a call that timed out", async () => {
    ollama.clearCalls();
    const state = await buildMoAGraph({ config: config(["ollama:qwen2.5:1.5b", "ollama:hang:1b"], { retries: 3, timeoutMs: 300 }) })
      .compile()
      .invoke(ask);
    expect(ollama.callsFor("hang:1b")).toHaveLength(1);
    expect(state.answers.find((a) => a.agent === "hang-1b")?.error).toBe("timed out after 300 ms");
  });
});

describe("minSuccessful", () => {
  it("fails the run when fewer proposers answered than the layer needs, listing the failure", async () => {
    ollama.clearCalls();
    const graph = buildMoAGraph({
      config: { ...config([], { retries: 0 }), layers: [{ agents: ["ollama:qwen2.5:1.5b", "ollama:broken:1b"], minSuccessful: 2 }] },
    }).compile();
    const error = await graph.invoke(ask).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LayerFailedError);
    expect((error as Error).message).toMatch(
      /^layer 1: only 1 of 2 agents answered, minSuccessful is 2:\n {2}- broken-1b \(ollama:broken:1b\): HTTP 500/,
    );
  });

  it("does not call the aggregator when the layer has too few answers", async () => {
    ollama.clearCalls();
    const graph = buildMoAGraph({
      config: { ...config([], { retries: 0 }), layers: [{ agents: ["ollama:qwen2.5:1.5b", "ollama:broken:1b"], minSuccessful: 2 }] },
    }).compile();
    await graph.invoke(ask).catch(() => undefined);
    expect(ollama.callsFor("qwen2.5:3b")).toHaveLength(0);
  });

  it("goes on when exactly minSuccessful proposers answered", async () => {
    const graph = buildMoAGraph({
      config: {
        ...config([], { retries: 0 }),
        layers: [{ agents: ["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b", "ollama:broken:1b"], minSuccessful: 2 }],
      },
    }).compile();
    const state = await graph.invoke(ask);
    expect(state.messages.at(-1)?.text).toBe("Paris.");
  });
});

describe("aggregator failure policy", () => {
  const failingAggregator = (onFailure?: "fail" | "best-proposer") => ({
    ...config(["ollama:qwen2.5:1.5b", "ollama:llama3.2:1b"], { retries: 0 }),
    aggregator: { model: "ollama:broken:1b", ...(onFailure ? { onFailure } : {}) },
  });

  it("answers with a proposer's answer by default when the aggregator fails", async () => {
    const state = await buildMoAGraph({ config: failingAggregator() }).compile().invoke(ask);
    // Two answers agree equally with each other, so the first declared stands in.
    expect(state.messages.at(-1)?.text).toBe("Paris is the capital of France.");
  });

  it("flags the fallback on the aggregator's record: its error and the node whose answer was used", async () => {
    const state = await buildMoAGraph({ config: failingAggregator("best-proposer") })
      .compile()
      .invoke(ask);
    const record = state.answers.find((a) => a.role === "final");
    expect(record).toMatchObject({ fallbackFrom: "layer1/qwen2.5-1.5b", error: expect.stringMatching(/^HTTP 500/) });
    expect(record?.content).toBeUndefined();
  });

  it("streams an aggregator_fallback event naming the stand-in and the reason", async () => {
    const events: MoAStreamEvent[] = [];
    for await (const chunk of await buildMoAGraph({ config: failingAggregator() }).compile().stream(ask, { streamMode: "custom" })) {
      events.push(chunk as MoAStreamEvent);
    }
    expect(events.filter((e) => e.event === "aggregator_fallback")).toEqual([
      { event: "aggregator_fallback", nodeId: "aggregator", from: "layer1/qwen2.5-1.5b", reason: expect.stringMatching(/^HTTP 500/) },
    ]);
  });

  it("fails the run with AggregatorFailedError under onFailure: fail", async () => {
    const error = await buildMoAGraph({ config: failingAggregator("fail") })
      .compile()
      .invoke(ask)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(AggregatorFailedError);
    expect((error as Error).message).toMatch(/the final aggregator "aggregator" \(ollama:broken:1b\) failed: HTTP 500/);
  });
});
