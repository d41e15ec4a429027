import { describe, expect, it } from "vitest";
import { parseModelRef } from "../../../../src/models/parseModelRef.js";
import type { RefAgent } from "../../../../src/models/providers/ModelProvider.js";
import { ollamaAddressFix } from "../../../../src/models/providers/ollama/ollamaAddressFix.js";

const agent = (ref: string, baseUrl?: string): RefAgent =>
  ({ id: "a", name: "a", model: parseModelRef(ref), settings: baseUrl ? { baseUrl } : {} }) as unknown as RefAgent;

describe("ollamaAddressFix", () => {
  it("points at the model reference when the URL is written there", () => {
    expect(ollamaAddressFix([agent("ollama:llama3@http://gpu:11434")], { OLLAMA_HOST: "x:1" }).pointAt).toBe(
      'change the URL after "@" in the model reference (ollama:<name>@<url>) to',
    );
  });

  it("points at baseUrl when the config sets it", () => {
    expect(ollamaAddressFix([agent("ollama:llama3", "http://gpu:11434")], {}).pointAt).toBe("change baseUrl in the config to");
  });

  it("points at OLLAMA_HOST when nothing else names the address", () => {
    expect(ollamaAddressFix([agent("ollama:llama3")], {}).pointAt).toBe("set OLLAMA_HOST to");
  });

  it("points at OLLAMA_BASE_URL when that is what is set", () => {
    expect(ollamaAddressFix([agent("ollama:llama3")], { OLLAMA_BASE_URL: "http://h:1" }).where).toBe("OLLAMA_BASE_URL");
  });

  it("names every place when agents on one server got its address from different places", () => {
    expect(ollamaAddressFix([agent("ollama:a@http://h:11434"), agent("ollama:b")], {}).pointAt).toBe(
      'point the URL after "@" in the model reference and OLLAMA_HOST at',
    );
  });
});
