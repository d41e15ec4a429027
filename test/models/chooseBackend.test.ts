import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "../../src/models/chooseBackend.js";
import { startLoopbackServer } from "../doubles/loopback.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { startTlsServer } from "../helpers/tlsServer.js";
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
    const why = `no Ollama server at ${url} (connection refused (127.0.0.1:${url.split(":").at(-1)}))`;
    expect(chosen).toEqual({
      backend: "llamacpp",
      reason: `${why}; running GGUF models in-process`,
      // OLLAMA_HOST was set, so the caller must say why it was not used before falling back.
      passedOverConfigured: [{ backend: "ollama", setting: "OLLAMA_HOST", reason: why }],
    });
  });

  it("passes over Ollama quietly when nothing names it (the default address)", async () => {
    const chosen = await chooseBackend({ requested: "auto", env: {}, fetch: async () => new Response("no", { status: 404 }) });
    expect(chosen.backend).toBe("llamacpp");
    expect(chosen.passedOverConfigured).toBeUndefined();
  });

  it("says a TLS failure at OLLAMA_HOST is TLS (a server answered), not that no server is there", async () => {
    const tls = await startTlsServer();
    try {
      const chosen = await chooseBackend({ requested: "auto", env: { OLLAMA_HOST: tls.url } });
      expect(chosen.backend).toBe("llamacpp");
      expect(chosen.passedOverConfigured).toEqual([
        {
          backend: "ollama",
          setting: "OLLAMA_HOST",
          reason: expect.stringMatching(
            new RegExp(
              `^the server at ${tls.url} failed: TLS error: the server's certificate is self-signed \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); trust its CA`,
            ),
          ) as string,
        },
      ]);
      expect(chosen.reason).not.toContain("no Ollama server");
    } finally {
      await tls.close();
    }
  });

  it("does not follow a redirect from OLLAMA_HOST to another server, and says where it pointed", async () => {
    const redirecting = await startLoopbackServer(async (_req, res) => {
      res.writeHead(301, { location: `${ollama.url}/api/version` });
      res.end();
    });
    try {
      const chosen = await chooseBackend({ requested: "auto", env: { OLLAMA_HOST: redirecting.url } });
      expect(chosen.backend).toBe("llamacpp");
      expect(chosen.passedOverConfigured?.[0]?.reason).toBe(
        `the server at ${redirecting.url} redirected /api/version to ${ollama.url}/api/version (HTTP 301)`,
      );
    } finally {
      await redirecting.close();
    }
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
