import { describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { buildSelfMoAGraph } from "../../../src/graphs/builders.js";
import { resolveMoA } from "../../helpers/resolveMoA.js";
import { ScriptedChatModel } from "../../../src/testing/ScriptedChatModel.js";

describe("Self-MoA", () => {
  it("samples one model n times in parallel with distinct seeds, then aggregates with it", () => {
    const topology = resolveMoA({ topology: "self-moa", model: "ollama:qwen2.5:7b", n: 3, temperature: 0.9, seed: 10 });
    expect(topology.layers).toHaveLength(1);
    expect(topology.layers[0]!.map((a) => [a.name, a.modelLabel, a.settings.seed, a.settings.temperature])).toEqual([
      ["sample-1", "ollama:qwen2.5:7b", 10, 0.9],
      ["sample-2", "ollama:qwen2.5:7b", 11, 0.9],
      ["sample-3", "ollama:qwen2.5:7b", 12, 0.9],
    ]);
    expect(topology.aggregator.modelLabel).toBe("ollama:qwen2.5:7b");
  });

  it("answers through the samples and the aggregator", async () => {
    let call = 0;
    const model = new ScriptedChatModel({ reply: () => `sample ${++call}` });
    const state = await buildSelfMoAGraph({ config: { model, n: 3 } })
      .compile()
      .invoke({ messages: [new HumanMessage("Why?")] });
    expect(model.calls).toHaveLength(4);
    const aggregatorPrompt = model.calls[3]!.messages[0]!.text;
    expect(aggregatorPrompt).toMatch(/<response id="3">/);
    expect(state.answers.map((a) => a.agent).sort()).toEqual(["aggregator", "sample-1", "sample-2", "sample-3"]);
  });

  it("supports several sampling layers and quorum fan-in", () => {
    const topology = resolveMoA({ topology: "self-moa", model: "ollama:m", n: 4, layers: 2, quorum: { min: 3 } });
    expect(topology.layers).toHaveLength(2);
    expect(topology.quorums).toEqual([{ min: 3 }, { min: 3 }]);
  });

  it("reports errors at the Self-MoA field that caused them", () => {
    expect(() => resolveMoA({ topology: "self-moa", model: "ollama:m", n: 1 })).toThrow(/^invalid configuration: n: /);
  });
});

describe("Self-MoA with quorum", () => {
  it("goes on without its slowest sample", async () => {
    let started = 0;
    // Calls 1-3 are the samples (the third straggles), call 4 is the aggregator.
    // The straggler would take ten minutes: the test ends only if the quorum cancels it.
    const model = new ScriptedChatModel({ reply: "a sample", latencyMs: () => (++started === 3 ? 600_000 : 20) });
    const state = await buildSelfMoAGraph({ config: { model, n: 3, quorum: { min: 2 } } })
      .compile()
      .invoke({ messages: [new HumanMessage("Why?")] });
    expect(state.answers.filter((a) => a.late)).toHaveLength(1);
    expect(state.answers.filter((a) => a.layer === 1 && a.error === undefined)).toHaveLength(2);
  });

  it("reports a quorum larger than n at the Self-MoA field", () => {
    expect(() => resolveMoA({ topology: "self-moa", model: "ollama:m", n: 2, quorum: { min: 3 } })).toThrow(
      /quorum\.min: expected at most n = 2, got 3/,
    );
  });
});

describe("Self-MoA minSuccessful", () => {
  it("applies to every sampling layer", () => {
    const topology = resolveMoA({ topology: "self-moa", model: "ollama:m", n: 3, layers: 2, minSuccessful: 2 });
    expect(topology.minSuccessful).toEqual([2, 2]);
  });

  it("rejects a minSuccessful above n", () => {
    expect(() => resolveMoA({ topology: "self-moa", model: "ollama:m", n: 2, minSuccessful: 3 })).toThrow(
      /minSuccessful: expected at most n = 2, got 3/,
    );
  });
});
