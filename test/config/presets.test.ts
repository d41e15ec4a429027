import { describe, expect, it } from "vitest";
import { PRESETS, presetConfig, type ModelBackend } from "../../src/config/presets.js";
import { planTopology } from "../../src/graphs/planTopology.js";

const refsOf = (backend: ModelBackend, name: string) => {
  const plan = planTopology({ config: presetConfig(PRESETS[name]!, backend) });
  return [...plan.requirements.flat(), ...plan.optional].map((agent) => agent.modelLabel);
};

describe("presets on each backend", () => {
  it.each(Object.keys(PRESETS))("%s resolves on every backend with the same topology kind", (name) => {
    for (const backend of ["ollama", "llamacpp", "openai"] as const) {
      expect(planTopology({ config: presetConfig(PRESETS[name]!, backend) }).kind).toBe(PRESETS[name]!.topology);
    }
  });

  it("names only hf: GGUF models on llamacpp", () => {
    for (const name of Object.keys(PRESETS)) expect(refsOf("llamacpp", name).every((ref) => /^hf:[^/]+\/[^/]+\/[^/]+\.gguf$/.test(ref))).toBe(true);
  });

  it("keeps the Ollama model names on an OpenAI-compatible server", () => {
    expect(refsOf("openai", "moa-lite")).toEqual(refsOf("ollama", "moa-lite").map((ref) => ref.replace(/^ollama:/, "openai:")));
    expect(refsOf("openai", "coe").every((ref) => ref.startsWith("openai:"))).toBe(true);
  });
});

describe("context sequences for in-process models", () => {
  it("reserve one per call the topology can make at once on a file", () => {
    const lite = planTopology({ config: presetConfig(PRESETS["moa-lite"]!, "llamacpp") });
    expect([...lite.requirements.flat()].map((a) => a.llamaSequences)).toEqual([1, 1, 1, 1]);
    // Self-MoA samples one file 4 times per layer; its aggregator shares that file, hence its context.
    const self = planTopology({ config: presetConfig(PRESETS["self-moa"]!, "llamacpp") });
    expect(new Set(self.requirements.flat().map((a) => a.llamaSequences))).toEqual(new Set([4]));
  });

  it("are left to the model for other providers", () => {
    expect(planTopology({ config: presetConfig(PRESETS["moa-lite"]!, "ollama") }).requirements.flat().every((a) => a.llamaSequences === undefined)).toBe(true);
  });
});
