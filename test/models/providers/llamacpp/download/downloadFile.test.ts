import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DownloadError,
  downloadFile,
  type DownloadFileOptions,
} from "../../../../../src/models/providers/llamacpp/download/downloadFile.js";
import type { TransferProgress } from "../../../../../src/models/progress.js";
import {
  hfFilePath,
  pseudoRandomBytes,
  sha256Hex,
  startFileServer,
  type FileServer,
  type FileServerBehavior,
} from "../../../../doubles/fileServer.js";
import { startTlsServer } from "../../../../helpers/tlsServer.js";

const MODEL = pseudoRandomBytes({ size: 300_000, seed: 42 });
const FILE_PATH = hfFilePath({ owner: "acme", repo: "tiny-GGUF", file: "tiny-q4.gguf" });

let server: FileServer;
let dir: string;
let destination: string;
let url: string;

beforeEach(async () => {
  server = await startFileServer({ files: { [FILE_PATH]: MODEL } });
  dir = await mkdtemp(path.join(tmpdir(), "moa-download-"));
  destination = path.join(dir, "acme", "tiny-q4.gguf");
  await mkdir(path.dirname(destination), { recursive: true });
  url = `${server.url}${FILE_PATH}`;
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function download(options: Partial<DownloadFileOptions> = {}): ReturnType<typeof downloadFile> {
  return downloadFile({ url, destination, retryDelayMs: 5, env: {}, ...options });
}

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
}

const gets = (): Array<{ range?: string }> => server.requests.filter((r) => r.method === "GET");

describe("downloadFile", () => {
  it("downloads, verifies the published sha256 and writes the manifest, reporting progress", async () => {
    server.setBehavior({ chunkBytes: 16 * 1024, chunkDelayMs: 15 });
    const reports: TransferProgress[] = [];
    const started = performance.now();

    const result = await download({ onProgress: (p) => reports.push(p), label: "tiny" });
    const elapsedMs = performance.now() - started;

    expect(readFileSync(destination).equals(MODEL)).toBe(true);
    expect(existsSync(`${destination}.partial`)).toBe(false);
    expect(result.manifest).toMatchObject({ url, size: MODEL.length, sha256: sha256Hex(MODEL), verified: "sha256" });
    expect(JSON.parse(readFileSync(`${destination}.json`, "utf8"))).toEqual(result.manifest);
    expect(server.requests.map((r) => r.method)).toEqual(["HEAD", "GET"]);
    const bytes = reports.map((r) => r.completedBytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(reports.every((r) => r.totalBytes === MODEL.length && r.label === "tiny" && r.id === destination)).toBe(true);
    expect(reports.at(-1)).toMatchObject({ completedBytes: MODEL.length, done: true });
    expect(reports.filter((r) => r.done)).toHaveLength(1);
    // 19 chunks 15 ms apart: throttled to about 10 reports a second (plus the first and the final one), not one per chunk.
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 100) + 2);
    expect(reports.length).toBeLessThan(19);
  });

  it("reads the size and sha256 from a Hub-style redirect and follows it for the bytes", async () => {
    server.setBehavior({ redirect: true });

    const { manifest } = await download();

    expect(manifest.verified).toBe("sha256");
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`HEAD ${FILE_PATH}`, `GET ${FILE_PATH}`, `GET /cdn${FILE_PATH}`]);
    expect(readFileSync(destination).equals(MODEL)).toBe(true);
  });

  it("resumes an interrupted transfer with a Range request", async () => {
    server.setBehavior({ cut: { afterBytes: 100_000, requests: 1 } });

    await download();

    const [first, second] = gets();
    expect(first?.range).toBeUndefined();
    const offset = Number(/^bytes=(\d+)-$/.exec(second?.range ?? "")?.[1]);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(100_000);
    expect(readFileSync(destination).equals(MODEL)).toBe(true);
  });

  it("keeps every byte that arrived before a cut in the partial file", async () => {
    server.setBehavior({ cut: { afterBytes: 100_000, requests: 1 } });

    const error = await failure(download({ retries: 0 }));

    expect(error).toMatchObject({ reason: "network", transient: true });
    expect(readFileSync(`${destination}.partial`).equals(MODEL.subarray(0, 100_000))).toBe(true);
  });

  it("resumes a partial file left by an earlier run, hashing its bytes first", async () => {
    writeFileSync(`${destination}.partial`, MODEL.subarray(0, 123_456), { flag: "w" });
    const reports: TransferProgress[] = [];

    const { manifest } = await download({ onProgress: (p) => reports.push(p) });

    expect(gets().map((r) => r.range)).toEqual(["bytes=123456-"]);
    expect(manifest.verified).toBe("sha256");
    expect(reports[0]?.completedBytes).toBe(123_456);
    expect(readFileSync(destination).equals(MODEL)).toBe(true);
  });

  it("starts over when the server ignores the Range header", async () => {
    server.setBehavior({ ignoreRange: true, cut: { afterBytes: 100_000, requests: 1 } });

    const { manifest } = await download();

    expect(gets()).toHaveLength(2);
    expect(gets()[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(manifest.size).toBe(MODEL.length);
    expect(readFileSync(destination).equals(MODEL)).toBe(true);
  });

  it("treats a 416 for a complete partial as complete and verifies it", async () => {
    server.setBehavior({ noHead: true });
    writeFileSync(`${destination}.partial`, MODEL, { flag: "w" });

    const { manifest } = await download({ sha256: sha256Hex(MODEL) });

    expect(gets().map((r) => r.range)).toEqual([`bytes=${MODEL.length}-`]);
    expect(manifest.verified).toBe("sha256");
    expect(readFileSync(destination).equals(MODEL)).toBe(true);
  });

  it("deletes the partial and says expected vs got on a checksum mismatch", async () => {
    server.setBehavior({ etag: "wrong" });
    const wrong = sha256Hex(Buffer.concat([MODEL, Buffer.from("x")]));

    const error = await failure(download());

    expect(error.reason).toBe("checksum-mismatch");
    expect(error.message).toContain(
      `could not download ${url}: sha256 mismatch: expected ${wrong}, got ${sha256Hex(MODEL)}; the partial download was deleted`,
    );
    expect(existsSync(`${destination}.partial`)).toBe(false);
    expect(existsSync(destination)).toBe(false);
  });

  it("lets a pinned sha256 win over the published one", async () => {
    server.setBehavior({ etag: "wrong" });
    expect((await download({ sha256: sha256Hex(MODEL).toUpperCase() })).manifest.verified).toBe("sha256");

    server.setBehavior({});
    const pinned = "0".repeat(64);
    const error = await failure(download({ sha256: pinned }));
    expect(error.message).toContain(`sha256 mismatch: expected ${pinned}, got ${sha256Hex(MODEL)}`);
  });

  it("fails on a size mismatch, whether the expected size is given or published", async () => {
    const given = await failure(download({ expectedSize: 1000 }));
    expect(given.reason).toBe("size-mismatch");
    expect(given.message).toContain(`size mismatch: expected 1000 bytes, got ${MODEL.length} bytes from the server`);

    server.setBehavior({ linkedSize: MODEL.length + 10 });
    const published = await failure(download());
    expect(published.message).toContain(`size mismatch: expected ${MODEL.length + 10} bytes, got ${MODEL.length} bytes`);
    expect(existsSync(`${destination}.partial`)).toBe(false);
  });

  it("verifies size only when nothing publishes a checksum", async () => {
    server.setBehavior({ etag: "none" });
    const { manifest } = await download();
    expect(manifest).toMatchObject({ verified: "size", size: MODEL.length, sha256: sha256Hex(MODEL) });
  });

  it("does not retry a 404 and names the URL", async () => {
    server.setBehavior({ status: { [FILE_PATH]: 404 } });

    const error = await failure(download());

    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ reason: "http", status: 404, transient: false });
    expect(error.message).toMatch(
      new RegExp(`^could not download ${url}: HTTP 404 Not Found \\(check the owner, repo, revision and file name\\)`),
    );
    expect(error.message).toContain(`use "llamacpp:/path/to/file.gguf" in your config, or put it at ${destination}`);
  });

  it("explains 401/403 as a gated repo and sends HF_TOKEN as a bearer token", async () => {
    server.setBehavior({ status: { [FILE_PATH]: 401 } });
    const anonymous = await failure(download());
    expect(anonymous.message).toContain(
      "HTTP 401 Unauthorized (the repository may be gated or private: accept its terms on the Hugging Face website and set HF_TOKEN",
    );
    expect(server.requests[0]?.authorization).toBeUndefined();

    server.clearRequests();
    server.setBehavior({ status: { [FILE_PATH]: 403 } });
    const refused = await failure(download({ env: { HF_TOKEN: "hf_secret" } }));
    expect(refused.message).toContain("the HF_TOKEN sent was refused");
    expect(server.requests.map((r) => r.authorization)).toEqual(["Bearer hf_secret"]);
  });

  it("sends HF_TOKEN through a redirect that stays on the same origin", async () => {
    server.setBehavior({ redirect: true });

    await download({ env: { HF_TOKEN: "hf_secret" } });

    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`)).toEqual([
      `HEAD ${FILE_PATH} Bearer hf_secret`,
      `GET ${FILE_PATH} Bearer hf_secret`,
      `GET /cdn${FILE_PATH} Bearer hf_secret`,
    ]);
  });

  it("does not send HF_TOKEN to another origin a redirect leads to", async () => {
    const cdn = await startFileServer({ files: { [FILE_PATH]: MODEL } });
    try {
      server.setBehavior({ redirect: cdn.url });

      await download({ env: { HF_TOKEN: "hf_secret" } });

      expect(readFileSync(destination).equals(MODEL)).toBe(true);
      expect(server.requests.map((r) => r.authorization)).toEqual(["Bearer hf_secret", "Bearer hf_secret"]);
      expect(cdn.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /cdn${FILE_PATH}`]);
      expect(cdn.requests[0]?.authorization).toBeUndefined();
    } finally {
      await cdn.close();
    }
  });

  it("retries 5xx answers, then gives up", async () => {
    server.setBehavior({ status: { [FILE_PATH]: 503 } });

    const error = await failure(download({ retries: 2 }));

    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ status: 503 });
    expect(error.message).toContain(`could not download ${url}: HTTP 503`);
  });

  it("says a TLS failure is TLS, with its fix, and does not retry it", async () => {
    const tls = await startTlsServer();
    try {
      const tlsUrl = `${tls.url}${FILE_PATH}`;
      const error = await failure(download({ url: tlsUrl, retries: 3 }));
      expect(error.transient).toBe(false);
      expect(error.message).toMatch(
        new RegExp(
          `^could not download ${tlsUrl}: TLS error: the server's certificate is self-signed \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); trust its CA`,
        ),
      );
      expect(error.message).not.toContain("no internet?");
      expect(tls.connections()).toBe(1);
    } finally {
      await tls.close();
    }
  });

  it("names the URL and suggests a local file when nothing listens", async () => {
    const { port } = server;
    await server.close();
    const refusedUrl = `http://127.0.0.1:${port}${FILE_PATH}`;

    const error = await failure(download({ url: refusedUrl, retries: 1 }));

    expect(error.reason).toBe("network");
    expect(error.message).toBe(
      `could not download ${refusedUrl}: connection refused (127.0.0.1:${port}); no internet? Download the file yourself and use "llamacpp:/path/to/file.gguf" in your config, or put it at ${destination}`,
    );
  });

  it("fails a transfer that stops sending as stalled, keeping what arrived, after its retries", async () => {
    // Without ranges every attempt starts over, so none gets further than the first.
    server.setBehavior({ stallAfterBytes: 100_000, ignoreRange: true });

    const error = await failure(download({ stallTimeoutMs: 100, retries: 1 }));

    expect(error.reason).toBe("stalled");
    expect(error.message).toBe(
      `could not download ${url}: the download stalled: no bytes for 0.1 s after 100000 of 300000 bytes (MOA_DOWNLOAD_STALL_SECONDS sets how long to wait); to use a local copy instead, download the file yourself and use "llamacpp:/path/to/file.gguf" in your config, or put it at ${destination}`,
    );
    expect(gets()).toHaveLength(2);
    expect(statSync(`${destination}.partial`).size).toBe(100_000);
  });

  it("resumes after each stall that made progress, and finishes", async () => {
    server.setBehavior({ stallAfterBytes: 120_000 });

    await download({ stallTimeoutMs: 100, retries: 1 });

    expect(gets().map((r) => r.range)).toEqual([undefined, "bytes=120000-", "bytes=240000-"]);
    expect(readFileSync(destination).equals(MODEL)).toBe(true);
  });

  it("times out a server that never sends response headers, with the limit from MOA_DOWNLOAD_STALL_SECONDS", async () => {
    server.setBehavior({ silent: true });

    const error = await failure(download({ env: { MOA_DOWNLOAD_STALL_SECONDS: "0.1" }, retries: 0 }));

    expect(error.reason).toBe("stalled");
    expect(error.message).toContain(
      `could not download ${url}: the server sent no response headers for 0.1 s (MOA_DOWNLOAD_STALL_SECONDS sets how long to wait)`,
    );
    expect(server.requests.map((r) => r.method)).toEqual(["HEAD"]);
  });

  it("times out a GET whose headers never come after a good HEAD", async () => {
    server.setBehavior({ silent: "GET" });

    const error = await failure(download({ stallTimeoutMs: 100, retries: 0 }));

    expect(error.message).toContain("the server sent no response headers for 0.1 s");
    expect(server.requests.map((r) => r.method)).toEqual(["HEAD", "GET"]);
  });

  it("rejects a malformed MOA_DOWNLOAD_STALL_SECONDS, naming it", async () => {
    await expect(download({ env: { MOA_DOWNLOAD_STALL_SECONDS: "soon" } })).rejects.toThrow(
      /MOA_DOWNLOAD_STALL_SECONDS: expected a positive number of seconds, got "soon"/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("keeps the partial file on abort and resumes it later", async () => {
    server.setBehavior({ stallAfterBytes: 100_000 });
    const controller = new AbortController();
    const pending = download({ signal: controller.signal });
    await vi.waitFor(() => expect(statSync(`${destination}.partial`, { throwIfNoEntry: false })?.size).toBe(100_000));

    controller.abort();
    const error = await failure(pending);

    expect(error.reason).toBe("aborted");
    expect(error.message).toContain(url);
    expect(statSync(`${destination}.partial`).size).toBe(100_000);
    server.setBehavior({});
    const reports: TransferProgress[] = [];
    await download({ onProgress: (p) => reports.push(p) });
    expect(gets().at(-1)?.range).toBe("bytes=100000-");
    expect(reports[0]?.completedBytes).toBe(100_000);
    expect(readFileSync(destination).equals(MODEL)).toBe(true);
  });

  describe("a file that changes on the server while a partial download waits (no checksum published)", () => {
    const NEW_MODEL = pseudoRandomBytes({ size: MODEL.length, seed: 7 });

    /** Leaves 100 000 bytes of MODEL in the partial file, then puts NEW_MODEL (same size) in its place. */
    async function partialThenChange(behavior: FileServerBehavior): Promise<void> {
      server.setBehavior({ ...behavior, etag: "none", stallAfterBytes: 100_000 });
      const controller = new AbortController();
      const pending = download({ signal: controller.signal });
      await vi.waitFor(() => expect(statSync(`${destination}.partial`, { throwIfNoEntry: false })?.size).toBe(100_000));
      controller.abort();
      expect((await failure(pending)).reason).toBe("aborted");
      server.setFile(FILE_PATH, NEW_MODEL);
      server.setBehavior({ ...behavior, etag: "none" });
      server.clearRequests();
    }

    it.each(["etag", "last-modified"] as const)("sends If-Range (%s) and starts over when the server answers 200", async (validators) => {
      await partialThenChange({ validators });

      const { manifest } = await download();

      const [get] = gets();
      expect(get).toMatchObject({
        range: "bytes=100000-",
        ifRange: validators === "etag" ? `"${sha256Hex(MODEL).slice(0, 16)}"` : expect.any(String),
      });
      expect(gets()).toHaveLength(1);
      expect(readFileSync(destination).equals(NEW_MODEL)).toBe(true);
      expect(manifest).toMatchObject({ verified: "size", sha256: sha256Hex(NEW_MODEL) });
      expect(existsSync(`${destination}.partial.json`)).toBe(false);
    });

    it("starts over when a server ignoring If-Range sends the new file's bytes with another ETag", async () => {
      await partialThenChange({ ignoreIfRange: true });

      await download();

      expect(gets().map((r) => r.range)).toEqual(["bytes=100000-", undefined]);
      expect(readFileSync(destination).equals(NEW_MODEL)).toBe(true);
    });

    it("does not resume at all when the server gives no validator", async () => {
      await partialThenChange({ validators: "none" });

      await download();

      expect(gets().map((r) => r.range)).toEqual([undefined]);
      expect(readFileSync(destination).equals(NEW_MODEL)).toBe(true);
    });

    it("still resumes an unchanged file with If-Range", async () => {
      await partialThenChange({});
      server.setFile(FILE_PATH, MODEL);

      await download();

      expect(gets()).toHaveLength(1);
      // The double's ETag is the content's, so putting the old bytes back keeps the old validator.
      expect(gets()[0]).toMatchObject({ range: "bytes=100000-", ifRange: `"${sha256Hex(MODEL).slice(0, 16)}"` });
      expect(readFileSync(destination).equals(MODEL)).toBe(true);
    });
  });

  it("shares one transfer between concurrent calls for the same destination", async () => {
    server.setBehavior({ chunkDelayMs: 5 });
    const first: TransferProgress[] = [];
    const second: TransferProgress[] = [];

    const [a, b] = await Promise.all([download({ onProgress: (p) => first.push(p) }), download({ onProgress: (p) => second.push(p) })]);

    expect(a).toBe(b);
    expect(gets()).toHaveLength(1);
    expect(first.at(-1)?.done).toBe(true);
    expect(second.at(-1)?.done).toBe(true);
  });

  it("keeps a shared transfer going when only one of its callers aborts", async () => {
    server.setBehavior({ chunkDelayMs: 10 });
    const controller = new AbortController();
    const leaving = download({ signal: controller.signal });
    const staying = download();

    controller.abort();

    expect((await failure(leaving)).reason).toBe("aborted");
    await staying;
    expect(readFileSync(destination).equals(MODEL)).toBe(true);
  });
});
