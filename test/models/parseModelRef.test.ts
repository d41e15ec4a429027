import { describe, expect, it } from "vitest";
import path from "node:path";
import { formatModelRef, ModelRefError, parseModelRef } from "../../src/models/parseModelRef.js";
import { resolveOllamaUrl, resolveOpenAIEndpoint } from "../../src/models/index.js";

describe("parseModelRef", () => {
  it("keeps the colons of Ollama tags in the model name", () => {
    expect(parseModelRef("ollama:qwen2.5:1.5b")).toEqual({ provider: "ollama", model: "qwen2.5:1.5b" });
  });

  it("reads a base URL after @", () => {
    expect(parseModelRef("ollama:llama3.2@http://gpu-box:11434")).toEqual({
      provider: "ollama",
      model: "llama3.2",
      baseUrl: "http://gpu-box:11434",
    });
    expect(parseModelRef("openai:meta/llama-3-8b@https://host.example/v1")).toEqual({
      provider: "openai",
      model: "meta/llama-3-8b",
      baseUrl: "https://host.example/v1",
    });
  });

  it("keeps an @ that is not followed by a URL as part of the name", () => {
    expect(parseModelRef("openai:team@model")).toEqual({ provider: "openai", model: "team@model" });
  });

  it("takes everything after llamacpp: as a path", () => {
    expect(parseModelRef("llamacpp:C:/models/x.gguf")).toEqual({ provider: "llamacpp", model: "C:/models/x.gguf" });
  });

  it("rejects a reference without a provider", () => {
    expect(() => parseModelRef("qwen2.5")).toThrow(/no provider prefix/);
  });

  it("rejects an unknown provider", () => {
    expect(() => parseModelRef("vertex:gemini")).toThrow(/unknown model provider "vertex"/);
  });

  it("rejects an @ followed by an empty URL", () => {
    expect(() => parseModelRef("ollama:b@http://")).toThrow(/empty base URL/);
  });

  it("rejects an empty model name", () => {
    expect(() => parseModelRef("ollama:")).toThrow(/names no model/);
    expect(() => parseModelRef("llamacpp:")).toThrow(/names no GGUF file/);
  });

  it("formats a parsed reference back to the same string", () => {
    for (const ref of ["ollama:qwen2.5:1.5b", "openai:gpt-4o@http://127.0.0.1:8000/v1", "llamacpp:/m/x.gguf"]) {
      expect(formatModelRef(parseModelRef(ref))).toBe(ref);
    }
  });
});

describe("endpoints", () => {
  it("reads OLLAMA_HOST in Ollama's accepted forms", () => {
    expect(resolveOllamaUrl(undefined, {})).toBe("http://127.0.0.1:11434");
    expect(resolveOllamaUrl(undefined, { OLLAMA_HOST: "0.0.0.0" })).toBe("http://127.0.0.1:11434");
    expect(resolveOllamaUrl(undefined, { OLLAMA_HOST: ":5000" })).toBe("http://127.0.0.1:5000");
    expect(resolveOllamaUrl(undefined, { OLLAMA_HOST: "https://ollama.internal" })).toBe("https://ollama.internal");
  });

  it("falls back to LangChain's OLLAMA_BASE_URL", () => {
    expect(resolveOllamaUrl(undefined, { OLLAMA_BASE_URL: "http://c:3" })).toBe("http://c:3");
    expect(resolveOllamaUrl(undefined, { OLLAMA_HOST: "http://b:2", OLLAMA_BASE_URL: "http://c:3" })).toBe("http://b:2");
  });

  it("prefers an explicit base URL over OLLAMA_HOST", () => {
    expect(resolveOllamaUrl("http://a:1", { OLLAMA_HOST: "http://b:2" })).toBe("http://a:1");
  });

  it("uses a placeholder key for a custom server without one", () => {
    expect(resolveOpenAIEndpoint({ baseUrl: "http://127.0.0.1:8000/v1" }, {})).toMatchObject({
      baseUrl: "http://127.0.0.1:8000/v1",
      apiKey: "not-needed",
    });
  });

  it("never sends OPENAI_API_KEY to a server named in the config", () => {
    expect(resolveOpenAIEndpoint({ baseUrl: "https://api.together.xyz/v1" }, { OPENAI_API_KEY: "sk-openai" }).apiKey).toBe("not-needed");
  });

  it("uses OPENAI_API_KEY with OpenAI's API or the OPENAI_BASE_URL it is paired with", () => {
    expect(resolveOpenAIEndpoint({}, { OPENAI_API_KEY: "sk-1" })).toMatchObject({ baseUrl: "https://api.openai.com/v1", apiKey: "sk-1" });
    expect(resolveOpenAIEndpoint({}, { OPENAI_API_KEY: "sk-1", OPENAI_BASE_URL: "http://gw:4000/v1/" })).toMatchObject({
      baseUrl: "http://gw:4000/v1",
      apiKey: "sk-1",
    });
  });

  it("reads the key only from the named environment variable", () => {
    expect(resolveOpenAIEndpoint({ apiKeyEnv: "MOA_API_KEY_TOGETHER" }, { MOA_API_KEY_TOGETHER: "k1", OPENAI_API_KEY: "k2" }).apiKey).toBe(
      "k1",
    );
    expect(resolveOpenAIEndpoint({ apiKeyEnv: "MOA_API_KEY_TOGETHER" }, { OPENAI_API_KEY: "k2" })).toMatchObject({
      apiKey: undefined,
      keySource: "MOA_API_KEY_TOGETHER",
    });
  });

  it("has no key for api.openai.com when none is configured", () => {
    expect(resolveOpenAIEndpoint({}, {}).apiKey).toBeUndefined();
  });

  it("reports an unusable OLLAMA_HOST as a configuration error naming it", () => {
    expect(() => resolveOllamaUrl(undefined, { OLLAMA_HOST: "http://bad host" })).toThrow(
      /OLLAMA_HOST: "http:\/\/bad host" is not a valid Ollama address/,
    );
  });
});

describe("parseModelRef base URL typos", () => {
  it("rejects an unsupported scheme after @", () => {
    expect(() => parseModelRef("ollama:a@ftp://host")).toThrow(/unsupported scheme "ftp"/);
  });

  it("rejects a base URL with a space", () => {
    expect(() => parseModelRef("ollama:a@http://a b/c")).toThrow(/invalid base URL "http:\/\/a b\/c"/);
  });
});

describe("hf: references", () => {
  it("become llama.cpp references to the model cache, keeping the URI as their source", () => {
    const saved = process.env.MOA_MODELS_DIR;
    process.env.MOA_MODELS_DIR = "/tmp/moa-cache-for-test";
    try {
      const ref = parseModelRef("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf");
      expect(ref).toEqual({
        provider: "llamacpp",
        model: path.join("/tmp/moa-cache-for-test", "Qwen", "Qwen2.5-0.5B-Instruct-GGUF", "main", "qwen2.5-0.5b-instruct-q4_k_m.gguf"),
        source: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf",
      });
      expect(formatModelRef(ref)).toBe("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf");
    } finally {
      if (saved === undefined) delete process.env.MOA_MODELS_DIR;
      else process.env.MOA_MODELS_DIR = saved;
    }
  });

  it("reject a file that is not a GGUF with the expected form", () => {
    expect(() => parseModelRef("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/README.md")).toThrow(ModelRefError);
    expect(() => parseModelRef("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/README.md")).toThrow(/\.gguf/);
  });
});
