import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { loadConfig } from "../../src/graphs/loadConfig.js";
import { apiKeyEnvProblem } from "../../src/models/apiKeyEnvProblem.js";
import { backendWarnings } from "../../src/models/backendWarnings.js";
import { resolveOpenAIEndpoint } from "../../src/models/providers/openai/resolveOpenAIEndpoint.js";

afterEach(() => vi.unstubAllEnvs());

const withKeyEnv = (name: string, baseUrl = "https://api.example.com/v1") => ({
  config: {
    layers: [{ agents: [{ model: "openai:m", baseUrl, apiKeyEnv: name }] }],
    aggregator: "ollama:qwen2.5:3b",
  },
});

describe("apiKeyEnvProblem", () => {
  it.each(["MOA_API_KEY_TOGETHER", "MOA_API_KEY_X"])("allows %s", (name) => {
    expect(apiKeyEnvProblem(name, {})).toBeUndefined();
  });

  it.each(["HF_TOKEN", "OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "MOA_API_KEY_", "moa_api_key_x"])(
    "refuses %s unless the user allows it",
    (name) => {
      expect(apiKeyEnvProblem(name, {})).toContain("MOA_API_KEY_");
      expect(apiKeyEnvProblem(name, { MOA_ALLOWED_KEY_ENV: `OTHER, ${name}` })).toBeUndefined();
    },
  );
});

describe("apiKeyEnv in a config", () => {
  it("rejects a variable outside the rule, naming the field and the rule", () => {
    vi.stubEnv("HF_TOKEN", "hf_secret");
    let error: unknown;
    try {
      loadConfig(withKeyEnv("HF_TOKEN"));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("layers[0].agents[0].apiKeyEnv");
    expect(message).toContain("HF_TOKEN may not be used");
    expect(message).toContain("MOA_API_KEY_");
    expect(message).toContain("MOA_ALLOWED_KEY_ENV");
    expect(message).not.toContain("hf_secret");
  });

  it("accepts it once the user lists it in MOA_ALLOWED_KEY_ENV", () => {
    vi.stubEnv("MOA_ALLOWED_KEY_ENV", "TOGETHER_API_KEY");
    expect(() => loadConfig(withKeyEnv("TOGETHER_API_KEY"))).not.toThrow();
  });

  it("is checked for settings given in code too", () => {
    expect(() => resolveOpenAIEndpoint({ baseUrl: "https://evil.example/v1", apiKeyEnv: "HF_TOKEN" }, { HF_TOKEN: "x" })).toThrow(
      /apiKeyEnv: HF_TOKEN may not be used/,
    );
  });
});

describe("an API key sent in the clear", () => {
  it.each([
    ["http://gpu-box:8000/v1", true],
    ["http://10.0.0.5:8000/v1", true],
    ["https://gpu-box/v1", false],
    ["http://127.0.0.1:8000/v1", false],
    ["http://localhost:8000/v1", false],
    ["http://[::1]:8000/v1", false],
  ])("to %s is warned about: %s", (baseUrl, warned) => {
    vi.stubEnv("MOA_API_KEY_BOX", "secret");
    const topology = loadConfig(withKeyEnv("MOA_API_KEY_BOX", baseUrl));
    const lines = backendWarnings({ agents: topology.requirements.flat() });
    if (!warned) return expect(lines).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`sends its API key (MOA_API_KEY_BOX) over plain http:// to ${baseUrl}`);
    expect(lines[0]).not.toContain("secret");
  });

  it("is not warned about for the placeholder key of a server that needs none", () => {
    const topology = loadConfig({ config: { layers: [{ agents: ["openai:m@http://gpu-box:8000/v1"] }], aggregator: "ollama:qwen2.5:3b" } });
    expect(backendWarnings({ agents: topology.requirements.flat() })).toEqual([]);
  });
});
