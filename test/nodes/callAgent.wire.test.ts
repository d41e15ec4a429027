import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { LayerFailedError } from "../../src/nodes/layerReferences.js";
import { startOllamaDouble, type OllamaDouble, type OllamaFailure } from "../doubles/ollamaDouble.js";

/**
 * Model misbehaviour at the wire level, through the real ChatOllama client against the loopback
 * Ollama double: every failure mode must become that agent's recorded error, and the run must still
 * answer from the agents that did answer.
 */

// A hang is cut by the per-call timeout; small so the suite stays fast, large enough for a loaded CI box
// to answer the healthy calls well within it.
const TIMEOUT_MS = 1_500;

// Each mode with the error its agent's record must carry.
const MODES: Array<{ failure: OllamaFailure; error: RegExp }> = [
  // The body ends without a `done:true` line: the partial text must not pass for an answer.
  { failure: "cutBeforeDone", error: /Did not receive done or success response in stream/ },
  // A garbage line, then the body ends without `done` (ollama-js alone would skip the bad line).
  {
    failure: "invalidJsonLine",
    error: /^Ollama's stream had an invalid line \(not JSON\): \{"model": "invalidJsonLine:1b", "message": \{"role": "assist$/,
  },
  // A garbage line inside an otherwise complete stream: the answer lost a part, so it is no answer.
  { failure: "invalidJsonLineThenDone", error: /^Ollama's stream had an invalid line \(not JSON\)/ },
  // A JSON line that is no chat message (ollama-js alone would crash reading its `message`).
  {
    failure: "lineWithoutMessage",
    error: /^Ollama's stream had a line that is not a chat message: \{"model":"lineWithoutMessage:1b",.*"status":"thinking"\}$/,
  },
  { failure: "http500", error: /^HTTP 500: llama runner process has terminated/ },
  { failure: "hang", error: new RegExp(`^timed out after ${TIMEOUT_MS} ms$`) },
  { failure: "emptyAnswer", error: /^the model returned an empty answer$/ },
  { failure: "errorMidStream", error: /an error was encountered while running the model: unexpected EOF/ },
];

let ollama: OllamaDouble;

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "good:1b": { reply: "The answer is 4." },
      "agg:3b": { reply: "4." },
      // The reply is long enough that the streaming modes send some content before failing.
      ...Object.fromEntries(MODES.map(({ failure }) => [`${failure}:1b`, { failure, reply: "partial answer that is cut off" }])),
    },
  });
});
afterAll(() => ollama.close());

function graphOf(proposers: string[]) {
  return buildMoAGraph({
    config: {
      defaults: { retries: 0, baseUrl: ollama.url, timeoutMs: TIMEOUT_MS },
      layers: [{ agents: proposers.map((model) => `ollama:${model}`) }],
      aggregator: "ollama:agg:3b",
    },
  }).compile();
}

const ask = { messages: [new HumanMessage("What is 2+2?")] };

describe("one proposer misbehaving on the wire while another answers", () => {
  it.concurrent.each(MODES)("$failure: the run answers and the agent's record says why it failed", async ({ failure, error }) => {
    const state = await graphOf([`${failure}:1b`, "good:1b"]).invoke(ask);
    expect(state.messages.at(-1)?.text).toBe("4.");
    const bad = state.answers.find((a) => a.model === `ollama:${failure}:1b`)!;
    expect(bad.error).toMatch(error);
    // A failed call has no answer text: partial streamed content must not leak into the record.
    expect(bad.content).toBeUndefined();
    expect(state.answers.find((a) => a.model === "ollama:good:1b")).toMatchObject({ content: "The answer is 4." });
  });

  it.concurrent.each(MODES)("$failure: the aggregator sees only the healthy proposer's answer", async ({ failure }) => {
    // Each mode has its own aggregator model here, so concurrent tests do not read each other's calls.
    const aggregator = `agg-${failure}:3b`;
    ollama.setBehavior(aggregator, { reply: "4." });
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0, baseUrl: ollama.url, timeoutMs: TIMEOUT_MS },
        layers: [{ agents: [`ollama:${failure}:1b`, "ollama:good:1b"] }],
        aggregator: `ollama:${aggregator}`,
      },
    }).compile();
    await graph.invoke(ask);
    const system = ollama.callsFor(aggregator)[0]!.messages[0]!.content;
    expect(system.match(/<response id=/g)).toHaveLength(1);
    expect(system).toContain('<response id="1">\nThe answer is 4.\n</response>');
    expect(system).not.toContain("partial answer");
  });
});

describe("every proposer misbehaving", () => {
  it("fails the run with 'layer 1: no agent answered', listing each agent's error", async () => {
    const run = graphOf(MODES.map(({ failure }) => `${failure}:1b`)).invoke(ask);
    await expect(run).rejects.toBeInstanceOf(LayerFailedError);
    const message = await run.then(
      () => "",
      (error: Error) => error.message,
    );
    expect(message).toMatch(/^layer 1: no agent answered/);
    for (const { failure, error } of MODES) {
      const line = message.split("\n").find((l) => l.includes(`(ollama:${failure}:1b)`));
      expect(line, `no line for ${failure}`).toBeDefined();
      expect(line!.replace(/^\s+- \S+ \(ollama:[^)]+\): /, "")).toMatch(error);
    }
  });

  it("never calls the aggregator when no proposer answered", async () => {
    ollama.setBehavior("agg-unused:3b", { reply: "should not be asked" });
    const graph = buildMoAGraph({
      config: {
        defaults: { retries: 0, baseUrl: ollama.url, timeoutMs: TIMEOUT_MS },
        layers: [{ agents: ["ollama:http500:1b", "ollama:emptyAnswer:1b"] }],
        aggregator: "ollama:agg-unused:3b",
      },
    }).compile();
    await expect(graph.invoke(ask)).rejects.toThrow(/layer 1: no agent answered/);
    expect(ollama.callsFor("agg-unused:3b")).toHaveLength(0);
  });
});
