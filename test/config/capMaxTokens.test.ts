import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { capMaxTokens } from "../../src/config/capMaxTokens.js";
import type { ResolvedMosaicTopology } from "../../src/graphs/experts/resolveExperts.js";
import { loadConfig } from "../../src/graphs/loadConfig.js";

describe("capMaxTokens", () => {
  it("lowers larger settings and keeps smaller ones", () => {
    const capped = capMaxTokens(
      {
        layers: [
          {
            agents: [
              { model: "ollama:a", maxTokens: 8 },
              { model: "ollama:b", maxTokens: 900 },
            ],
          },
        ],
        aggregator: { model: "ollama:c", maxTokens: 1024 },
      },
      64,
    );
    expect(capped.layers[0]!.agents).toEqual([
      { model: "ollama:a", maxTokens: 8 },
      { model: "ollama:b", maxTokens: 64 },
    ]);
    expect(capped.aggregator).toEqual({ model: "ollama:c", maxTokens: 64 });
  });

  it("caps agents that set nothing through the topology's defaults", () => {
    const bare: { layers: Array<{ agents: string[] }>; aggregator: string; defaults?: object } = {
      layers: [{ agents: ["ollama:a"] }],
      aggregator: "ollama:c",
    };
    expect(capMaxTokens(bare, 32).defaults).toEqual({ maxTokens: 32 });
    expect(capMaxTokens({ defaults: { temperature: 0.2, maxTokens: 16 }, layers: [], aggregator: "x" }, 32).defaults).toEqual({
      temperature: 0.2,
      maxTokens: 16,
    });
  });

  it("caps every agent of every preset once resolved", () => {
    for (const backend of ["ollama", "llamacpp"] as const) {
      const topology = loadConfig({ preset: "coe", backend, maxTokens: 20 });
      const agents = [...topology.requirements.flat(), ...topology.optional];
      expect(agents.length).toBeGreaterThan(0);
      expect(agents.every((a) => a.settings.maxTokens !== undefined && a.settings.maxTokens <= 20)).toBe(true);
    }
  });

  it("caps the agents of stages of every form once resolved: inline, preset and file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "moa-cap-"));
    writeFileSync(path.join(dir, "team.yaml"), "layers: [{ agents: [{ model: ollama:t, maxTokens: 900 }] }]\naggregator: ollama:u\n");
    const topology = loadConfig({
      config: {
        topology: "mosaic",
        experts: [
          { name: "inline", stage: { layers: [{ agents: ["ollama:a"] }], aggregator: { model: "ollama:b", maxTokens: 700 } } },
          { name: "preset", stage: { preset: "moa-lite" } },
          { name: "file", stage: { file: "team.yaml" } },
        ],
        gate: { extractor: { type: "exact" } },
        aggregator: "ollama:c",
      },
      baseDir: dir,
      maxTokens: 12,
    }) as ResolvedMosaicTopology;
    const stageAgents = topology.experts.flatMap((e) => (e.kind === "stage" ? e.topology.requirements.flat() : []));
    expect(stageAgents.map((a) => a.modelLabel)).toEqual(expect.arrayContaining(["ollama:t", "ollama:qwen2.5:3b", "ollama:b"]));
    expect(stageAgents.every((a) => a.settings.maxTokens === 12)).toBe(true);
  });

  it("names the option when the cap is not a positive whole number", () => {
    expect(() => loadConfig({ preset: "moa-lite", maxTokens: 0 })).toThrow(/maxTokens: expected a whole number of at least 1, got 0/);
  });

  it("leaves the input untouched", () => {
    const config = { layers: [{ agents: [{ model: "ollama:a", maxTokens: 500 }] }], aggregator: "ollama:c" };
    capMaxTokens(config, 10);
    expect(config.layers[0]!.agents[0]!.maxTokens).toBe(500);
  });
});
