import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTopologyGraph } from "../../src/graphs/buildTopologyGraph.js";
import { loadConfig } from "../../src/graphs/loadConfig.js";
import { planTopology } from "../../src/graphs/planTopology.js";
import { listPresets, registerTopology, topologyDefinition, topologyKinds } from "../../src/graphs/registry.js";
import { moaConfigJsonSchema } from "../../src/graphs/topologyJsonSchema.js";
import { presetsCommand } from "../../src/cli/commands/presets.js";
import { validateCommand } from "../../src/cli/commands/validate.js";
import { servedGraph } from "../../src/server/servedGraph.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";
import { chainTopology } from "../helpers/chainTopology/index.js";

let unregister: () => void;
beforeAll(() => {
  unregister = registerTopology(chainTopology);
});
afterAll(() => unregister());

const chain = {
  topology: "chain",
  agents: [
    new ScriptedChatModel({ label: "first", reply: "draft" }),
    new ScriptedChatModel({ label: "second", reply: (m) => `better than: ${m[0]!.text.includes("draft") ? "draft" : "?"}` }),
  ],
};

describe("a topology registered from outside (a test-only kind)", () => {
  it("is a kind the loader knows", () => {
    expect(topologyKinds()).toContain("chain");
    expect(loadConfig({ config: chain }).kind).toBe("chain");
  });

  it("builds and runs its graph, the last agent's answer the reply", async () => {
    const { graph } = planTopology({ config: chain });
    const state = await graph.compile().invoke({ messages: [new HumanMessage("Write a haiku")] });
    expect(Object.keys(graph.compile().getGraph().nodes)).toEqual(expect.arrayContaining(["step1", "final"]));
    expect(state.messages.at(-1)?.text).toBe("better than: draft");
  });

  it("validates its configs with its own schema, naming the user's paths", () => {
    expect(() => loadConfig({ config: { topology: "chain", agents: ["ollama:a"] } })).toThrow(/agents: a chain needs at least two agents/);
  });

  it("serves its presets on every backend", () => {
    expect(listPresets().map((p) => p.name)).toContain("chain-demo");
    expect(
      loadConfig({ topology: "chain", backend: "llamacpp" })
        .requirements.flat()
        .every((a) => a.modelLabel.startsWith("hf:")),
    ).toBe(true);
  });

  it("can be a stage of another topology", async () => {
    const topology = loadConfig({
      config: {
        topology: "mosaic",
        experts: [{ name: "chained", stage: chain }, new ScriptedChatModel({ reply: "draft" })],
        gate: { extractor: { type: "exact" } },
        aggregator: new ScriptedChatModel({ reply: "merged" }),
      },
    });
    const state = await buildTopologyGraph({ topology })
      .compile()
      .invoke({ messages: [new HumanMessage("Write a haiku")] });
    expect(state.answers.filter((a) => a.stage === "expert/chained").map((a) => a.nodeId)).toEqual([
      "expert/chained/step1",
      "expert/chained/final",
    ]);
  });

  it("is listed by `moa presets`, on both backends", () => {
    let out = "";
    presetsCommand({ stdout: { write: (text: string) => ((out += text), true) } as NodeJS.WritableStream });
    expect(out).toMatch(/^chain-demo +chain +\S.*\n +ollama\/openai: two small models in a chain$/m);
    expect(out).toMatch(/llamacpp: Qwen2\.5-0\.5B then Qwen2\.5-1\.5B/);
  });

  it("validates its files with `moa validate`", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "moa-chain-")), "chain.yaml");
    writeFileSync(file, "topology: chain\nagents: [ollama:a, ollama:b]\n");
    let out = "";
    validateCommand({ file, stdout: { write: (text: string) => ((out += text), true) } as NodeJS.WritableStream });
    expect(out).toContain(`${file}: valid chain (nodes: step1, final)`);
  });

  it("is served by the LangGraph server's graph factory, on its default preset", () => {
    const graph = servedGraph("chain")();
    expect(Object.keys(graph.getGraph().nodes)).toEqual(expect.arrayContaining(["step1", "final"]));
  });

  it("appears in the topology files' JSON Schema", () => {
    expect(JSON.stringify(moaConfigJsonSchema())).toContain('"const":"chain"');
  });

  it("refuses a kind registered twice", () => {
    expect(() => registerTopology(chainTopology)).toThrow(/the topology kind "chain" is already registered/);
  });
});

describe("preset and kind names", () => {
  it("gives a built-in preset the name of a kind only when it is that kind's default preset", () => {
    for (const preset of listPresets().filter((p) => topologyKinds().includes(p.name))) {
      expect([preset.name, preset.kind, topologyDefinition(preset.name)?.defaultPreset]).toEqual([preset.name, preset.name, preset.name]);
    }
  });

  it("refuses a topology whose preset has the name of another kind", () => {
    const clashing = {
      ...chainTopology,
      kind: "chain2",
      presets: [{ ...chainTopology.presets[0]!, name: "coe", kind: "chain2" }],
    };
    expect(() => registerTopology(clashing)).toThrow(/a preset named "coe" already exists/);
    const other = { ...chainTopology, kind: "chain3", presets: [{ ...chainTopology.presets[0]!, name: "chain4", kind: "chain3" }] };
    const unregisterOther = registerTopology(other);
    try {
      const named = { ...chainTopology, kind: "chain4", presets: [], defaultPreset: undefined };
      expect(() => registerTopology(named)).toThrow(/the preset "chain4" has the name of the topology kind "chain4"/);
    } finally {
      unregisterOther();
    }
  });

  it("refuses a preset taking a renamed preset's old name", () => {
    const taking = { ...chainTopology, kind: "chain5", presets: [{ ...chainTopology.presets[0]!, name: "moa", kind: "chain5" }] };
    expect(() => registerTopology(taking)).toThrow(/a preset named "moa" already exists/);
  });
});
