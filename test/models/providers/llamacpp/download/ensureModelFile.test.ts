import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureModelFile, type EnsureModelFileOptions } from "../../../../../src/models/providers/llamacpp/download/ensureModelFile.js";
import type { TransferProgress } from "../../../../../src/models/progress.js";
import { hfFilePath, pseudoRandomBytes, sha256Hex, startFileServer, type FileServer } from "../../../../doubles/fileServer.js";

const MODEL = pseudoRandomBytes({ size: 250_000, seed: 7 });
const URI = "hf:acme/tiny-GGUF/tiny-q4.gguf";

let server: FileServer;
let cacheDir: string;
let expectedPath: string;

beforeEach(async () => {
  server = await startFileServer({ files: { [hfFilePath({ owner: "acme", repo: "tiny-GGUF", file: "tiny-q4.gguf" })]: MODEL } });
  cacheDir = await mkdtemp(path.join(tmpdir(), "moa-cache-"));
  expectedPath = path.join(cacheDir, "acme", "tiny-GGUF", "main", "tiny-q4.gguf");
});

afterEach(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

function ensure(options: Partial<EnsureModelFileOptions> = {}): Promise<string> {
  return ensureModelFile({ source: URI, cacheDir, endpoint: server.url, env: {}, retryDelayMs: 5, ...options });
}

describe("ensureModelFile", () => {
  it("downloads into <cacheDir>/<owner>/<repo>/<revision>/<file> and returns the absolute path", async () => {
    const modelPath = await ensure();

    expect(modelPath).toBe(expectedPath);
    expect(readFileSync(modelPath).equals(MODEL)).toBe(true);
    expect(JSON.parse(readFileSync(`${modelPath}.json`, "utf8"))).toMatchObject({ verified: "sha256", size: MODEL.length });
  });

  it("answers a cache hit without any request", async () => {
    await ensure();
    server.clearRequests();
    const reports: TransferProgress[] = [];

    expect(await ensure({ onProgress: (p) => reports.push(p) })).toBe(expectedPath);

    expect(server.requests).toEqual([]);
    expect(reports).toEqual([
      { id: expectedPath, label: "tiny-q4.gguf", completedBytes: MODEL.length, totalBytes: MODEL.length, phase: "cached", done: true },
    ]);
  });

  it("uses a file put at the cache path by hand without a request", async () => {
    await mkdir(path.dirname(expectedPath), { recursive: true });
    writeFileSync(expectedPath, "hand-placed");

    expect(await ensure()).toBe(expectedPath);

    expect(server.requests).toEqual([]);
  });

  it("downloads again when the cached file no longer matches its manifest", async () => {
    await ensure();
    writeFileSync(expectedPath, MODEL.subarray(0, 10));
    server.clearRequests();

    await ensure();

    expect(server.requests.map((r) => r.method)).toEqual(["HEAD", "GET"]);
    expect(readFileSync(expectedPath).equals(MODEL)).toBe(true);
  });

  it("verifies a sha256 pinned in the URI, and downloads again when the pin changes", async () => {
    await ensure({ source: `${URI}#sha256=${sha256Hex(MODEL)}` });
    server.clearRequests();

    await expect(ensure({ source: `${URI}#sha256=${"1".repeat(64)}` })).rejects.toThrow(`sha256 mismatch: expected ${"1".repeat(64)}`);

    expect(server.requests.map((r) => r.method)).toEqual(["HEAD", "GET"]);
  });

  it("shares one transfer between concurrent calls", async () => {
    server.setBehavior({ chunkDelayMs: 5 });

    const paths = await Promise.all([
      ensure(),
      ensure(),
      ensure({ source: { ...parseLike(), url: `${server.url}/acme/tiny-GGUF/resolve/main/tiny-q4.gguf` } }),
    ]);

    expect(new Set(paths)).toEqual(new Set([expectedPath]));
    expect(server.requests.map((r) => r.method)).toEqual(["HEAD", "GET"]);
    expect(existsSync(`${expectedPath}.partial`)).toBe(false);
  });

  it("says how to use a local file when the download fails", async () => {
    server.setBehavior({ status: { "/acme/tiny-GGUF/resolve/main/tiny-q4.gguf": 404 } });

    await expect(ensure()).rejects.toThrow(`use "llamacpp:/path/to/file.gguf" in your config, or put it at ${expectedPath}`);
  });
});

function parseLike(): { owner: string; repo: string; revision: string; file: string } {
  return { owner: "acme", repo: "tiny-GGUF", revision: "main", file: "tiny-q4.gguf" };
}
