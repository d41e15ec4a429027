import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "../../src/models/chooseBackend.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { unusedPort } from "../helpers/ports.js";

let ollama: OllamaDouble;
beforeAll(async () => {
  ollama = await startOllamaDouble({ models: {} });
});
afterAll(() => ollama.close());

describe("chooseBackend", () => {
  it("picks Ollama when a server answers at the Ollama address", async () => {
    const chosen = await chooseBackend({ requested: "auto", env: { OLLAMA_HOST: ollama.url } });
    expect(chosen.backend).toBe("ollama");
    expect(chosen.reason).toMatch(new RegExp(`^Ollama \\S+ answered at ${ollama.url}$`));
  });

  it("picks llama.cpp when nothing listens, saying why", async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const chosen = await chooseBackend({ requested: "auto", env: { OLLAMA_HOST: url } });
    expect(chosen).toEqual({
      backend: "llamacpp",
      reason: `no Ollama server at ${url} (connection refused (127.0.0.1:${url.split(":").at(-1)})); running GGUF models in-process`,
    });
  });

  it("reads OLLAMA_HOST when no address is given", async () => {
    const saved = process.env.OLLAMA_HOST;
    process.env.OLLAMA_HOST = ollama.url;
    try {
      expect((await chooseBackend()).backend).toBe("ollama");
    } finally {
      if (saved === undefined) delete process.env.OLLAMA_HOST;
      else process.env.OLLAMA_HOST = saved;
    }
  });

  it("keeps an explicit choice without probing", async () => {
    let probed = false;
    const chosen = await chooseBackend({ requested: "openai", fetch: async () => ((probed = true), new Response("{}")) });
    expect(chosen).toEqual({ backend: "openai", reason: "chosen with --backend" });
    expect(probed).toBe(false);
  });

  it("does not mistake another HTTP server for Ollama", async () => {
    const chosen = await chooseBackend({
      env: { OLLAMA_HOST: "http://127.0.0.1:1" },
      fetch: async () => new Response("not found", { status: 404 }),
    });
    expect(chosen.backend).toBe("llamacpp");
    expect(chosen.reason).toContain("is not Ollama (HTTP 404)");
  });
});
