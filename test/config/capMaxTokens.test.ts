import { describe, expect, it } from "vitest";
import { capMaxTokens } from "../../src/config/capMaxTokens.js";
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

  it("leaves the input untouched", () => {
    const config = { layers: [{ agents: [{ model: "ollama:a", maxTokens: 500 }] }], aggregator: "ollama:c" };
    capMaxTokens(config, 10);
    expect(config.layers[0]!.agents[0]!.maxTokens).toBe(500);
  });
});
