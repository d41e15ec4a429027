import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCommand } from "../../../src/cli/commands/run.js";
import { unusedPort } from "../../helpers/ports.js";
import { runCli } from "../../helpers/runCli.js";
import { startTlsServer, TEST_CERT_FILE, type TlsServer } from "../../helpers/tlsServer.js";

/**
 * `--backend auto` with an OLLAMA_HOST that is set but cannot be used (TLS-broken, mistyped): the
 * fallback to in-process models (gigabytes to download) is never taken silently.
 */
let tls: TlsServer;
beforeAll(async () => {
  tls = await startTlsServer();
});
afterAll(() => tls.close());

const NEVER_SUGGESTED = /start Ollama|ollama serve/;

describe("moa run --backend auto with a set OLLAMA_HOST that fails", () => {
  it("refuses in a script when the certificate is self-signed: says TLS, the code, and how to proceed", async () => {
    const result = await runCli(["run", "hi", "--no-persist"], { env: { OLLAMA_HOST: tls.url } });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`OLLAMA_HOST is set, but ollama cannot be used there: the server at ${tls.url} failed: TLS error`);
    expect(result.stderr).toContain("self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(result.stderr).toContain("--backend llamacpp (or --yes)");
    expect(result.stderr).not.toMatch(NEVER_SUGGESTED);
    // Nothing was downloaded or even announced.
    expect(result.stderr).not.toMatch(/to download|could not download/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("names a hostname mismatch once the certificate's CA is trusted", async () => {
    const result = await runCli(["run", "hi", "--no-persist"], { env: { OLLAMA_HOST: tls.url, NODE_EXTRA_CA_CERTS: TEST_CERT_FILE } });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain("hostname mismatch) (ERR_TLS_CERT_ALTNAME_INVALID)");
    expect(result.stderr).not.toMatch(NEVER_SUGGESTED);
  });

  it("refuses a mistyped OLLAMA_HOST (nothing listens) the same way", async () => {
    const port = await unusedPort();
    const result = await runCli(["run", "hi", "--no-persist"], { env: { OLLAMA_HOST: `127.0.0.1:${port}` } });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`no Ollama server at http://127.0.0.1:${port} (connection refused`);
    expect(result.stderr).toContain("Fix OLLAMA_HOST (or unset it), or choose the fallback with --backend llamacpp (or --yes)");
  });

  it("falls back with --yes, saying why", async () => {
    const result = await runCli(["run", "hi", "--no-persist", "--yes"], { env: { OLLAMA_HOST: tls.url } });

    expect(result.stderr).toMatch(
      /^warning: OLLAMA_HOST is set, but ollama cannot be used there: .*TLS error.*; running with llamacpp instead \(--yes\)$/m,
    );
    expect(result.stderr).toMatch(/^backend: llamacpp /m);
    // It went on to the in-process models (whose server the test environment cannot reach).
    expect(result.stderr).toContain("to download 4 model files");
  });

  it("says TLS in the pre-flight of a config naming Ollama models, without suggesting to start Ollama", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "moa-tls-"));
    const config = path.join(dir, "moa.yaml");
    writeFileSync(config, "layers:\n  - agents: [ollama:a:1b]\naggregator: ollama:b:1b\n");

    const result = await runCli(["run", "hi", "--no-persist", "--config", config], { env: { OLLAMA_HOST: tls.url } });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`ollama ${tls.url}: TLS error: the server's certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)`);
    expect(result.stderr).toMatch(/fix: trust its CA by setting NODE_EXTRA_CA_CERTS/);
    expect(result.stderr).not.toMatch(NEVER_SUGGESTED);
  });
});

describe("runCommand at a terminal", () => {
  it("asks before falling back, and a no runs nothing", async () => {
    vi.stubEnv("OLLAMA_HOST", tls.url);
    const stderr = new PassThrough();
    let output = "";
    stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const questions: string[] = [];
    try {
      const run = runCommand({
        question: "hi",
        persist: false,
        stderr,
        confirm: async (question) => (questions.push(question), false),
      });
      await expect(run).rejects.toMatchObject({ code: "configured_backend_unusable", exitCode: 3 });
      await expect(run).rejects.toThrow(/which was declined/);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(questions).toEqual(["Run the preset with llamacpp instead (the preset's models are downloaded on first use)? [y/N] "]);
    expect(output).toMatch(/^OLLAMA_HOST is set, but ollama cannot be used there: .*TLS error/);
    expect(output).not.toContain("backend: llamacpp");
  });
});
