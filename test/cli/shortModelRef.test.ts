import { describe, expect, it } from "vitest";
import { shortModelRef } from "../../src/cli/shortModelRef.js";

describe("shortModelRef", () => {
  it("leaves a reference that fits as it is", () => {
    expect(shortModelRef({ ref: "ollama:qwen2.5:1.5b", max: 40 })).toBe("ollama:qwen2.5:1.5b");
  });

  it("keeps an hf: URI's prefix and file name", () => {
    const ref = "hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf";
    expect(shortModelRef({ ref, max: 40 })).toBe("hf:…/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf");
  });

  it("keeps the end of a URL's path", () => {
    expect(shortModelRef({ ref: "llamacpp:https://models.example.com/shared/team/tiny-model.gguf", max: 32 })).toBe(
      "llamacpp:…/team/tiny-model.gguf",
    );
  });

  it("never returns more than max characters", () => {
    const ref = `hf:org/repo/${"x".repeat(80)}.gguf`;
    expect([...shortModelRef({ ref, max: 30 })].length).toBeLessThanOrEqual(30);
  });
});
