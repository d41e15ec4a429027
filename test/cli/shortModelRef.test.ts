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

  it("keeps the model name of a reference with a server URL, and the URL's end when there is room", () => {
    expect(shortModelRef({ ref: "openai:Qwen/Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1", max: 44 })).toBe(
      "openai:Qwen/Qwen2.5-7B-Instruct@…0.1:8000/v1",
    );
  });

  it("drops the server URL before any of the model name", () => {
    expect(shortModelRef({ ref: "ollama:qwen2.5:1.5b@http://127.0.0.1:45521", max: 24 })).toBe("ollama:qwen2.5:1.5b@…");
  });

  it("shortens a model name too long even without its server", () => {
    const short = shortModelRef({ ref: "llamacpp:/models/team/a-very-long-model-file-name.gguf@http://h:1", max: 30 });
    expect(short).toMatch(/^llamacpp:….*@…$/);
    expect([...short].length).toBeLessThanOrEqual(30);
  });

  it("keeps an hf: revision, which is no server", () => {
    const ref = "hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF@main/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf";
    expect(shortModelRef({ ref, max: 40 })).toBe("hf:…/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf");
  });

  it("keeps the start and end of a file name too long for the width, so sizes stay apart", () => {
    const small = shortModelRef({ ref: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf", max: 30 });
    const large = shortModelRef({ ref: "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf", max: 30 });
    expect(small).toMatch(/^hf:…\/qwen2\.5-0\.5b.*….*k_m\.gguf$/);
    expect(large).toMatch(/^hf:…\/qwen2\.5-1\.5b/);
    expect([...small].length).toBeLessThanOrEqual(30);
  });

  it("keeps only the start of a file name in a narrow column", () => {
    expect(shortModelRef({ ref: "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf", max: 20 })).toBe(
      "hf:…/qwen2.5-1.5b-i…",
    );
  });
});
