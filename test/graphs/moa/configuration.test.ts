import { describe, expect, it } from "vitest";
import path from "node:path";
import { ConfigError } from "../../../src/errors/ConfigError.js";
import { resolveMoA } from "../../helpers/resolveMoA.js";
import { ScriptedChatModel } from "../../../src/testing/ScriptedChatModel.js";

const minimal = { layers: [{ agents: ["ollama:qwen2.5:1.5b"] }], aggregator: "ollama:qwen2.5:3b" };

function configError(input: unknown): ConfigError {
  try {
    resolveMoA(input as never);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("ensureConfig", () => {
  it("derives agent names and node ids from model references", () => {
    const topology = resolveMoA({ layers: [{ agents: ["ollama:qwen2.5:1.5b", "openai:gpt-4o-mini"] }], aggregator: "ollama:qwen2.5:3b" });
    expect(topology.layers[0]!.map((a) => a.id)).toEqual(["layer1/qwen2.5-1.5b", "layer1/gpt-4o-mini"]);
    expect(topology.aggregator.id).toBe("aggregator");
    expect(topology.aggregator.layer).toBe(2);
  });

  it("numbers repeated derived names so one model can appear several times", () => {
    const topology = resolveMoA({ layers: [{ agents: ["ollama:m", "ollama:m", "ollama:m"] }], aggregator: "ollama:m" });
    expect(topology.layers[0]!.map((a) => a.name)).toEqual(["m", "m-2", "m-3"]);
  });

  it("applies global defaults, then layer defaults, then agent settings", () => {
    const topology = resolveMoA({
      defaults: { temperature: 0.1, maxTokens: 100, topP: 0.5 },
      layers: [{ defaults: { temperature: 0.2, seed: 7 }, agents: [{ model: "ollama:a", temperature: 0.3 }, "ollama:b"] }],
      aggregator: { model: "ollama:c", maxTokens: 900 },
    });
    const [a, b] = topology.layers[0]!;
    expect(a!.settings).toMatchObject({ temperature: 0.3, maxTokens: 100, topP: 0.5, seed: 7 });
    expect(b!.settings).toMatchObject({ temperature: 0.2, maxTokens: 100, topP: 0.5, seed: 7 });
    expect(topology.aggregator.settings).toMatchObject({ temperature: 0.1, maxTokens: 900, topP: 0.5 });
    expect(topology.aggregator.settings.seed).toBeUndefined();
  });

  it("fills built-in defaults when nothing is set", () => {
    const topology = resolveMoA(minimal);
    expect(topology.layers[0]![0]!.settings).toMatchObject({ temperature: 0.7, maxTokens: 1024, timeoutMs: 300_000, retries: 1 });
  });

  it("uses the global system prompt for agents without their own", () => {
    const topology = resolveMoA({
      defaults: { systemPrompt: "Be brief." },
      layers: [{ agents: ["ollama:a", { model: "ollama:b", systemPrompt: "Be thorough." }] }],
      aggregator: "ollama:c",
    });
    expect(topology.layers[0]!.map((a) => a.systemPrompt)).toEqual(["Be brief.", "Be thorough."]);
  });

  it("gives a layer's aggregation prompt to that layer's agents and the aggregator its own", () => {
    const topology = resolveMoA({
      layers: [{ agents: ["ollama:a"] }, { agents: ["ollama:b"], aggregationPrompt: "Merge these." }],
      aggregator: { model: "ollama:c", aggregationPrompt: "Pick the best." },
    });
    expect(topology.layers[1]![0]!.aggregationPrompt).toBe("Merge these.");
    expect(topology.layers[0]![0]!.aggregationPrompt).toBeUndefined();
    expect(topology.aggregator.aggregationPrompt).toBe("Pick the best.");
  });

  it("accepts chat model instances in place of references", () => {
    const model = new ScriptedChatModel({ label: "My Model" });
    const topology = resolveMoA({ layers: [{ agents: [model] }], aggregator: model });
    expect(topology.layers[0]![0]!.model).toBe(model);
    expect(topology.layers[0]![0]!.name).toBe("My-Model");
  });

  it("resolves relative GGUF paths against the given base folder", () => {
    const topology = resolveMoA(
      { layers: [{ agents: ["llamacpp:models/tiny.gguf"] }], aggregator: "llamacpp:/abs/big.gguf" },
      { baseDir: "/configs" },
    );
    expect(topology.layers[0]![0]!.model).toEqual({ provider: "llamacpp", model: path.resolve("/configs/models/tiny.gguf") });
    expect(topology.aggregator.model).toEqual({ provider: "llamacpp", model: "/abs/big.gguf" });
  });
});

describe("ensureConfig errors", () => {
  it("names the field path and the expected type", () => {
    const error = configError({ ...minimal, defaults: { temperature: "hot" } });
    expect(error.issues).toEqual([{ path: "defaults.temperature", message: 'expected number, got the string "hot"' }]);
  });

  it("reports out-of-range numbers with their bounds", () => {
    const error = configError({ layers: [{ agents: [{ model: "ollama:a", temperature: 7 }] }], aggregator: "ollama:b" });
    expect(error.issues[0]!.path).toBe("layers[0].agents[0].temperature");
    expect(error.issues[0]!.message).toMatch(/<=\s*2/);
  });

  it("reports unknown keys", () => {
    const error = configError({ ...minimal, layers: [{ agents: [{ model: "ollama:a", temprature: 0.5 }] }] });
    expect(error.issues).toEqual([{ path: "layers[0].agents[0]", message: 'unknown key "temprature"' }]);
  });

  it("reports an unknown model provider with the accepted ones", () => {
    const error = configError({ ...minimal, aggregator: "anthropic:claude" });
    expect(error.issues[0]!.path).toBe("aggregator");
    expect(error.issues[0]!.message).toMatch(/unknown model provider "anthropic".*"ollama:", "openai:", "llamacpp:", "hf:"/);
  });

  it("reports a missing aggregator", () => {
    const error = configError({ layers: minimal.layers });
    expect(error.issues[0]!.path).toBe("aggregator");
  });

  it("reports an empty layer", () => {
    const error = configError({ ...minimal, layers: [{ agents: [] }] });
    expect(error.issues).toEqual([{ path: "layers[0].agents", message: "a layer needs at least one agent" }]);
  });

  it("reports duplicate agent names within a layer", () => {
    const error = configError({
      ...minimal,
      layers: [
        {
          agents: [
            { name: "x", model: "ollama:a" },
            { name: "x", model: "ollama:b" },
          ],
        },
      ],
    });
    expect(error.issues[0]!.path).toBe("layers[0].agents[1].name");
    expect(error.issues[0]!.message).toMatch(/duplicate agent name "x"/);
  });

  it("rejects an aggregation prompt on the first layer", () => {
    const error = configError({ ...minimal, layers: [{ agents: ["ollama:a"], aggregationPrompt: "merge" }] });
    expect(error.issues[0]!.path).toBe("layers[0].aggregationPrompt");
  });

  it("validates an object that looks resolved but was not made by ensureConfig", () => {
    const error = configError({ layers: [{ agents: ["ollama:a"] }], aggregator: { id: "x", model: "ollama:b" } });
    expect(error.issues).toEqual([{ path: "aggregator", message: 'unknown key "id"' }]);
  });

  it("reports NaN, non-http URLs and empty stop sequences in plain words", () => {
    const error = configError({
      layers: [{ agents: [{ model: "ollama:a", temperature: Number.NaN, baseUrl: "ftp://x", stop: [""] }] }],
      aggregator: "ollama:b",
    });
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: "layers[0].agents[0].temperature", message: "expected number, got NaN" },
        { path: "layers[0].agents[0].baseUrl", message: "expected an http:// or https:// URL" },
        { path: "layers[0].agents[0].stop[0]", message: "expected a non-empty stop sequence" },
      ]),
    );
  });

  it("explains a wrong-typed model without mentioning code-only options in a file", () => {
    const error = configError({ layers: [{ agents: ["ollama:a"] }], aggregator: 42 });
    expect(error.issues[0]!.path).toBe("aggregator");
    expect(error.issues[0]!.message).toMatch(
      /expected a model reference string \(such as "ollama:qwen2.5:1.5b"\) or an object with a "model" field/,
    );
  });

  it("lists every problem at once in the message", () => {
    const error = configError({ layers: [{ agents: [{ model: "ollama:a", maxTokens: -1, topP: 3 }] }], aggregator: "x" });
    expect(error.issues.map((i) => i.path).sort()).toEqual(["aggregator", "layers[0].agents[0].maxTokens", "layers[0].agents[0].topP"]);
    expect(error.message).toContain("layers[0].agents[0].maxTokens:");
  });
});
