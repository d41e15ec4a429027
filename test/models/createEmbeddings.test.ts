import { afterEach, describe, expect, it } from "vitest";
import { OllamaEmbeddings } from "@langchain/ollama";
import { OpenAIEmbeddings } from "@langchain/openai";
import { ModelRefError } from "../../src/models/parseModelRef.js";
import { createEmbeddings } from "../../src/models/createEmbeddings.js";
import { ModelSetupError } from "../../src/models/ModelSetupError.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";

const ollama = (ref: string, options: Parameters<typeof createEmbeddings>[1] = {}): OllamaEmbeddings => {
  const e = createEmbeddings(ref, { env: {}, ...options });
  if (!(e instanceof OllamaEmbeddings)) throw new Error("expected OllamaEmbeddings");
  return e;
};
const openai = (ref: string, options: Parameters<typeof createEmbeddings>[1] = {}): OpenAIEmbeddings => {
  const e = createEmbeddings(ref, { env: {}, ...options });
  if (!(e instanceof OpenAIEmbeddings)) throw new Error("expected OpenAIEmbeddings");
  return e;
};
/** The openai client's settings, kept on a non-public field of OpenAIEmbeddings. */
const clientConfig = (e: OpenAIEmbeddings) => (e as unknown as { clientConfig: { apiKey?: string; baseURL?: string } }).clientConfig;

describe("createEmbeddings: ollama", () => {
  it("maps ollama:<model>@<url> to OllamaEmbeddings on that URL", () => {
    expect(ollama("ollama:nomic-embed-text@http://gpu-box:11434")).toMatchObject({
      model: "nomic-embed-text",
      baseUrl: "http://gpu-box:11434",
    });
  });

  it("reads OLLAMA_HOST when the reference has no URL", () => {
    expect(ollama("ollama:nomic-embed-text", { env: { OLLAMA_HOST: ":11500" } }).baseUrl).toBe("http://127.0.0.1:11500");
  });

  it("prefers the reference's URL over the baseUrl option", () => {
    expect(ollama("ollama:m@http://a:1", { baseUrl: "http://b:2" }).baseUrl).toBe("http://a:1");
  });

  it("uses the baseUrl option over the environment", () => {
    expect(ollama("ollama:m", { baseUrl: "http://b:2", env: { OLLAMA_HOST: "c:3" } }).baseUrl).toBe("http://b:2");
  });

  it("defaults to 127.0.0.1:11434", () => {
    expect(ollama("ollama:m").baseUrl).toBe("http://127.0.0.1:11434");
  });

  it("truncates over-long inputs instead of failing them", () => {
    expect(ollama("ollama:m").truncate).toBe(true);
  });
});

describe("createEmbeddings: openai", () => {
  it("maps openai:<model>@<url> to OpenAIEmbeddings with a placeholder key for a local server", () => {
    const e = openai("openai:bge-small@http://127.0.0.1:8000/v1");
    expect(e.model).toBe("bge-small");
    expect(clientConfig(e)).toMatchObject({ baseURL: "http://127.0.0.1:8000/v1", apiKey: "not-needed" });
  });

  it("asks for float vectors, not the openai SDK's default base64", () => {
    expect(openai("openai:bge-small@http://127.0.0.1:8000/v1").encodingFormat).toBe("float");
  });

  it("reads OPENAI_BASE_URL and OPENAI_API_KEY when the reference has no URL", () => {
    const e = openai("openai:text-embedding-3-small", { env: { OPENAI_BASE_URL: "http://proxy:4000/v1", OPENAI_API_KEY: "sk-env" } });
    expect(clientConfig(e)).toMatchObject({ baseURL: "http://proxy:4000/v1", apiKey: "sk-env" });
  });

  it("refuses OpenAI's API without a key, naming the variable", () => {
    expect(() => createEmbeddings("openai:text-embedding-3-small", { env: {} })).toThrow(
      /no API key for https:\/\/api\.openai\.com\/v1; set OPENAI_API_KEY/,
    );
  });
});

describe("createEmbeddings: other references", () => {
  it("refuses llamacpp: references", () => {
    expect(() => createEmbeddings("llamacpp:./m.gguf")).toThrow(ModelSetupError);
  });

  it("refuses references without a provider", () => {
    expect(() => createEmbeddings("nomic-embed-text")).toThrow(ModelRefError);
  });
});

describe("createEmbeddings: retries (over the Ollama double)", () => {
  let d: OllamaDouble | undefined;
  afterEach(async () => {
    await d?.close();
  });

  it("does not retry an unknown model (404)", async () => {
    d = await startOllamaDouble({ models: { known: {} } });
    await expect(ollama(`ollama:missing@${d.url}`).embedQuery("x")).rejects.toThrow('model "missing" not found');
    expect(d.embedCalls).toHaveLength(1);
  });

  it("retries a server error once by default", async () => {
    d = await startOllamaDouble({ models: { m: { failure: "http500" } } });
    await expect(ollama(`ollama:m@${d.url}`).embedQuery("x")).rejects.toThrow(/llama runner/);
    expect(d.embedCalls).toHaveLength(2);
  });
});
