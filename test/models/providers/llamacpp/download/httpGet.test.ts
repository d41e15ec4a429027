import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { httpGet } from "../../../../../src/models/providers/llamacpp/download/httpGet.js";
import { hfFilePath, pseudoRandomBytes, startFileServer, type FileServer } from "../../../../doubles/fileServer.js";

const MODEL = pseudoRandomBytes({ size: 300_000, seed: 3 });
const FILE_PATH = hfFilePath({ owner: "acme", repo: "tiny-GGUF", file: "tiny-q4.gguf" });

let server: FileServer;
let url: string;

beforeEach(async () => {
  server = await startFileServer({ files: { [FILE_PATH]: MODEL } });
  url = `${server.url}${FILE_PATH}`;
});

afterEach(async () => {
  await server.close();
});

/** Reads the body to its end or its error, keeping every chunk handed out. */
async function drain(body: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; error: unknown }> {
  const parts: Uint8Array[] = [];
  try {
    for await (const chunk of body) parts.push(chunk);
    return { bytes: Buffer.concat(parts), error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}

describe("httpGet", () => {
  it("yields every byte sent before the connection is cut, then fails as a network error", async () => {
    server.setBehavior({ cut: { afterBytes: 100_000, requests: 1 } });

    const res = await httpGet(url);
    const { bytes, error } = await drain(res.body);

    expect(res.status).toBe(200);
    expect(bytes.equals(MODEL.subarray(0, 100_000))).toBe(true);
    expect(error).toBeInstanceOf(TypeError);
  });

  it("keeps the bytes Node buffered while the reader was slow when the connection is cut", async () => {
    // Past the point where the response is paused for backpressure, so part of it waits in Node's own buffer.
    const big = pseudoRandomBytes({ size: 1_500_000, seed: 5 });
    server.setFile(FILE_PATH, big);
    server.setBehavior({ cut: { afterBytes: 1_100_000, requests: 1 } });

    const res = await httpGet(url);
    await vi.waitFor(() => expect(server.requests[0]?.disconnected).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { bytes, error } = await drain(res.body);

    expect(error).toBeInstanceOf(TypeError);
    expect(bytes.length).toBe(1_100_000);
    expect(bytes.equals(big.subarray(0, 1_100_000))).toBe(true);
  });

  it("ends the body where the server ended it", async () => {
    const res = await httpGet(url, { headers: { "accept-encoding": "identity" } });
    const { bytes, error } = await drain(res.body);

    expect(error).toBeUndefined();
    expect(bytes.equals(MODEL)).toBe(true);
    expect(res.headers.get("content-length")).toBe(String(MODEL.length));
  });

  it("keeps Authorization through a redirect to the same origin", async () => {
    server.setBehavior({ redirect: true });

    const res = await httpGet(url, { headers: { authorization: "Bearer hf_secret" } });
    res.cancel();

    expect(res.url).toBe(`${server.url}/cdn${FILE_PATH}`);
    expect(server.requests.map((r) => [r.path, r.authorization])).toEqual([
      [FILE_PATH, "Bearer hf_secret"],
      [`/cdn${FILE_PATH}`, "Bearer hf_secret"],
    ]);
  });

  it("drops Authorization when a redirect leaves the origin", async () => {
    const cdn = await startFileServer({ files: { [FILE_PATH]: MODEL } });
    try {
      server.setBehavior({ redirect: cdn.url });

      const res = await httpGet(url, { headers: { Authorization: "Bearer hf_secret" } });
      const { bytes } = await drain(res.body);

      expect(bytes.equals(MODEL)).toBe(true);
      expect(server.requests.map((r) => r.authorization)).toEqual(["Bearer hf_secret"]);
      expect(cdn.requests).toHaveLength(1);
      expect(cdn.requests[0]?.authorization).toBeUndefined();
    } finally {
      await cdn.close();
    }
  });

  it("returns a redirect unfollowed with redirect: manual", async () => {
    server.setBehavior({ redirect: true });

    const res = await httpGet(url, { method: "HEAD", redirect: "manual" });

    expect(res.status).toBe(302);
    expect(res.headers.get("x-linked-size")).toBe(String(MODEL.length));
    expect(server.requests).toHaveLength(1);
  });

  it("stops the body with the signal's reason when aborted mid-body, closing the connection", async () => {
    server.setBehavior({ stallAfterBytes: 100_000 });
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const res = await httpGet(url, { signal: controller.signal });
    let received = 0;

    const reading = (async () => {
      for await (const chunk of res.body) {
        received += chunk.byteLength;
        if (received === 100_000) controller.abort(reason);
      }
    })();

    await expect(reading).rejects.toBe(reason);
    expect(received).toBe(100_000);
    await vi.waitFor(() => expect(server.requests[0]?.disconnected).toBe(true));
  });

  it("rejects with the signal's reason when aborted while waiting for the headers", async () => {
    server.setBehavior({ silent: true });
    const controller = new AbortController();
    const reason = new Error("caller gave up");

    const pending = httpGet(url, { signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort(reason);

    await expect(pending).rejects.toBe(reason);
    await vi.waitFor(() => expect(server.requests[0]?.disconnected).toBe(true));
  });

  it("wraps a refused connection in a TypeError, as fetch does, keeping Node's error as the cause", async () => {
    const { port } = server;
    await server.close();

    const error: unknown = await httpGet(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ code: "ECONNREFUSED", syscall: "connect", port });
  });
});
