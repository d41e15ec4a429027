import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/graphs/loadConfig.js";
import { listPresets } from "../../src/graphs/registry.js";
import type { ResolvedTopologyBase } from "../../src/graphs/types.js";

const agentsOf = (topology: ResolvedTopologyBase) => [...topology.requirements.flat(), ...topology.optional];
const refsOf = (backend: string, preset: string) => agentsOf(loadConfig({ preset, backend })).map((agent) => agent.modelLabel);
const presetNames = listPresets().map((p) => p.name);

describe("presets on each backend", () => {
  it.each(presetNames)("%s resolves on every backend with the same topology kind", (name) => {
    const kind = listPresets().find((p) => p.name === name)!.kind;
    for (const backend of ["ollama", "llamacpp", "openai"]) expect(loadConfig({ preset: name, backend }).kind).toBe(kind);
  });

  it("names only hf: GGUF models on llamacpp", () => {
    for (const name of presetNames) expect(refsOf("llamacpp", name).every((ref) => /^hf:[^/]+\/[^/]+\/[^/]+\.gguf$/.test(ref))).toBe(true);
  });

  it("keeps the Ollama model names on an OpenAI-compatible server", () => {
    expect(refsOf("openai", "moa-lite")).toEqual(refsOf("ollama", "moa-lite").map((ref) => ref.replace(/^ollama:/, "openai:")));
    expect(refsOf("openai", "coe").every((ref) => ref.startsWith("openai:"))).toBe(true);
  });

  it("runs a stage preset on the chosen backend too", () => {
    const config = {
      topology: "mosaic",
      experts: [{ name: "panel", stage: { preset: "moa-lite" } }, "ollama:a"],
      gate: { extractor: { type: "number" } },
      aggregator: "ollama:b",
    };
    const stageRefs = (backend: string) => {
      const topology = loadConfig({ config, backend });
      const stage = topology.kind === "mosaic" ? topology.experts.find((e) => e.kind === "stage") : undefined;
      return stage?.kind === "stage" ? agentsOf(stage.topology).map((a) => a.modelLabel) : [];
    };
    expect(stageRefs("llamacpp").every((ref) => ref.startsWith("hf:"))).toBe(true);
    expect(stageRefs("ollama").every((ref) => ref.startsWith("ollama:"))).toBe(true);
  });

  it("lets a stage preset name its own backend", () => {
    const topology = loadConfig({
      config: {
        topology: "mosaic",
        experts: [{ name: "panel", stage: { preset: "moa-lite", backend: "llamacpp" } }, "ollama:a"],
        gate: { extractor: { type: "number" } },
        aggregator: "ollama:b",
      },
    });
    const stage = topology.kind === "mosaic" ? topology.experts[0] : undefined;
    expect(stage?.kind === "stage" && agentsOf(stage.topology).every((a) => a.modelLabel.startsWith("hf:"))).toBe(true);
  });
});

describe("concurrent calls per model", () => {
  it("reserve one per call the topology can make at once on a file", () => {
    const lite = loadConfig({ preset: "moa-lite", backend: "llamacpp" });
    expect(lite.requirements.flat().map((a) => a.concurrentCalls)).toEqual([1, 1, 1, 1]);
    // Self-MoA samples one file 4 times per layer; its aggregator shares that file, hence its context.
    const self = loadConfig({ preset: "self-moa", backend: "llamacpp" });
    expect(new Set(self.requirements.flat().map((a) => a.concurrentCalls))).toEqual(new Set([4]));
  });

  it("are counted the same way for models on a server", () => {
    const self = loadConfig({ preset: "self-moa", backend: "ollama" });
    expect(new Set(self.requirements.flat().map((a) => a.concurrentCalls))).toEqual(new Set([4]));
  });
});
