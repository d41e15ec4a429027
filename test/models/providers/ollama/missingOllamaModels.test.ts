import { afterEach, describe, expect, it } from "vitest";
import { missingOllamaModels } from "../../../../src/models/index.js";
import { startLoopbackServer } from "../../../doubles/loopback.js";
import { startOllamaDouble, type OllamaDouble } from "../../../doubles/ollamaDouble.js";

const open: OllamaDouble[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

const jsonFetch =
  (body: unknown, status = 200): typeof fetch =>
  async () =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("missingOllamaModels", () => {
  it("returns the names /api/tags lacks, in order and once each; a name without a tag means :latest", async () => {
    const d = await startOllamaDouble({ models: { "llama3.2": {}, "qwen2.5:1.5b": {} } });
    open.push(d);
    const missing = await missingOllamaModels({
      baseUrl: d.url,
      models: ["llama3.2", "mistral", "llama3.2:latest", "qwen2.5:1.5b", "qwen2.5", "mistral", "LLaMA3.2"],
    });
    // The double lists "llama3.2:latest"; "qwen2.5" is "qwen2.5:latest", which is not there.
    expect(missing).toEqual(["mistral", "qwen2.5"]);
  });

  it("matches a listed name without a tag to the same name with :latest, and ignores a registry port", async () => {
    const fetch = jsonFetch({ models: [{ name: "phi3" }, { model: "registry.local:5000/team/coder" }] });
    expect(
      await missingOllamaModels({
        baseUrl: "http://127.0.0.1:1",
        fetch,
        models: ["phi3:latest", "phi3", "registry.local:5000/team/coder:latest", "phi3:mini"],
      }),
    ).toEqual(["phi3:mini"]);
  });

  it("rejects when the server is not reachable, or answers without a model list", async () => {
    const server = await startLoopbackServer(async (_req, res) => void res.end());
    await server.close();
    await expect(missingOllamaModels({ baseUrl: server.url, models: ["m"] })).rejects.toThrow(
      new RegExp(`^could not list the models of ${server.url}: the Ollama server is not reachable \\(connection refused`),
    );
    await expect(missingOllamaModels({ baseUrl: "http://127.0.0.1:1/", models: ["m"], fetch: jsonFetch({ data: [] }) })).rejects.toThrow(
      "could not list the models of http://127.0.0.1:1: GET /api/tags answered HTTP 200 without a model list; is this an Ollama server?",
    );
  });
});
