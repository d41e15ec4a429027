import { describe, expect, it } from "vitest";
import { ChatOllama } from "@langchain/ollama";
import { Ollama } from "ollama";
import type { TransferProgress } from "../../../../src/models/progress.js";
import { OllamaPullError, missingOllamaModels, pullOllamaModel } from "../../../../src/models/index.js";
import { startLoopbackServer } from "../../../doubles/loopback.js";
import { trackedOllamaDoubles } from "../../../helpers/trackedOllamaDoubles.js";

const start = trackedOllamaDoubles();

/** A fetch that answers every request with this body (split into these chunks) and status. */
function fakeFetch(chunks: string[], status = 200): typeof fetch {
  return async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    return new Response(body, { status, headers: { "content-type": "application/x-ndjson" } });
  };
}

/** A URL where nothing listens: a loopback server's port after it closed. */
async function deadUrl(): Promise<string> {
  const server = await startLoopbackServer(async (_req, res) => void res.end());
  await server.close();
  return server.url;
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

const TOTAL = 986_000_000;

describe("the Ollama double's POST /api/pull", () => {
  it("streams Ollama's status lines: manifest, several layers with digests and growing counts, verify, write, success", async () => {
    const d = await start({ pullable: { "qwen2.5:1.5b": { totalBytes: TOTAL, chunksPerLayer: 4 } } });
    const res = await fetch(`${d.url}/api/pull`, { method: "POST", body: JSON.stringify({ model: "qwen2.5:1.5b" }) });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ status: "pulling manifest" });
    expect(lines.slice(-3)).toEqual([{ status: "verifying sha256 digest" }, { status: "writing manifest" }, { status: "success" }]);

    const layerLines = lines.slice(1, -3);
    const byDigest = new Map<string, Array<Record<string, unknown>>>();
    for (const line of layerLines) byDigest.set(String(line.digest), [...(byDigest.get(String(line.digest)) ?? []), line]);
    expect(byDigest.size).toBeGreaterThanOrEqual(3);
    let sum = 0;
    for (const [digest, perLayer] of byDigest) {
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const total = perLayer[0]?.total as number;
      sum += total;
      // Ollama's status names the layer by 12 hex digits of its digest; a zero `completed` is left out.
      expect(perLayer.every((l) => l.status === `pulling ${digest.slice(7, 19)}` && l.total === total)).toBe(true);
      expect(perLayer[0]).not.toHaveProperty("completed");
      const counts = perLayer.slice(1).map((l) => l.completed as number);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(counts.at(-1)).toBe(total);
    }
    expect(sum).toBe(TOTAL);
    // The big model layer comes first, small template/license/params layers after it.
    expect((layerLines[0]?.total as number) > TOTAL / 2).toBe(true);
    expect(d.pulls).toMatchObject([{ model: "qwen2.5:1.5b", stream: true, status: 200, outcome: "ok", bytesSent: TOTAL }]);
  });

  it("an unknown model: pulling manifest, then an error line in a 200 stream; with stream:false a 500", async () => {
    const d = await start({});
    const res = await fetch(`${d.url}/api/pull`, { method: "POST", body: JSON.stringify({ name: "nope:1b" }) });
    expect(res.status).toBe(200);
    expect(
      (await res.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([{ status: "pulling manifest" }, { error: "pull model manifest: file does not exist" }]);
    const single = await fetch(`${d.url}/api/pull`, { method: "POST", body: JSON.stringify({ model: "nope:1b", stream: false }) });
    expect(single.status).toBe(500);
    expect(await single.json()).toEqual({ error: "pull model manifest: file does not exist" });
    expect(d.pulls.map((p) => [p.model, p.stream, p.outcome])).toEqual([
      ["nope:1b", true, "notFound"],
      ["nope:1b", false, "notFound"],
    ]);
  });

  it("stream:false answers one success object and the model is then listed; a missing name is a 400", async () => {
    const d = await start({ pullable: { llama3: 5_000_000 } });
    const res = await fetch(`${d.url}/api/pull`, { method: "POST", body: JSON.stringify({ model: "llama3:latest", stream: false }) });
    expect(await res.json()).toEqual({ status: "success" });
    expect(await missingOllamaModels({ baseUrl: d.url, models: ["llama3"] })).toEqual([]);
    const bad = await fetch(`${d.url}/api/pull`, { method: "POST", body: "{}" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "model is required" });
  });

  it("works with the real ollama-js client (which sends `name`), and a pulled-again model reports its layers complete at once", async () => {
    const d = await start({ models: { "llama3.2": {} }, pullable: { "phi3:mini": 2_000_000 } });
    const client = new Ollama({ host: d.url });
    const statuses: string[] = [];
    for await (const part of await client.pull({ model: "phi3:mini", stream: true })) statuses.push(part.status);
    expect(statuses[0]).toBe("pulling manifest");
    expect(statuses.at(-1)).toBe("success");
    expect(d.pulls[0]?.body).toMatchObject({ name: "phi3:mini", stream: true });

    const again: Array<Record<string, unknown>> = [];
    for await (const part of await client.pull({ model: "llama3.2", stream: true })) again.push({ ...part });
    const layers = again.filter((p) => typeof p.digest === "string");
    expect(layers.length).toBeGreaterThanOrEqual(3);
    expect(layers.every((p) => p.completed === p.total)).toBe(true);

    await expect(async () => {
      for await (const part of await client.pull({ model: "nope", stream: true })) void part;
    }).rejects.toThrow("pull model manifest: file does not exist");
  });
});

describe("pullOllamaModel", () => {
  it("reports monotonic cumulative progress ending in done, total = sum of the layers; the model is then listed and answers", async () => {
    const d = await start({ pullable: { "qwen2.5:1.5b": { totalBytes: TOTAL, chunksPerLayer: 6, chunkDelayMs: 2 } } });
    const reports: TransferProgress[] = [];
    const final = await pullOllamaModel({ baseUrl: `${d.url}/`, model: "qwen2.5:1.5b", onProgress: (p) => reports.push(p) });

    expect(reports[0]).toEqual({ id: "qwen2.5:1.5b", label: "qwen2.5:1.5b", completedBytes: 0, phase: "pulling manifest" });
    expect(final).toEqual({
      id: "qwen2.5:1.5b",
      label: "qwen2.5:1.5b",
      completedBytes: TOTAL,
      totalBytes: TOTAL,
      phase: "success",
      done: true,
    });
    expect(reports.at(-1)).toEqual(final);
    expect(reports.filter((p) => p.done)).toHaveLength(1);
    for (const [i, p] of reports.entries()) {
      const before = reports[i - 1];
      if (!before) continue;
      expect(p.completedBytes).toBeGreaterThanOrEqual(before.completedBytes);
      expect(p.totalBytes ?? 0).toBeGreaterThanOrEqual(before.totalBytes ?? 0);
      expect(p.completedBytes).toBeLessThanOrEqual(p.totalBytes ?? Infinity);
    }
    const phases = new Set(reports.map((p) => p.phase));
    expect(phases).toContain("verifying sha256 digest");
    expect(phases).toContain("writing manifest");
    expect([...phases].filter((p) => /^pulling [0-9a-f]{12}$/.test(p ?? "")).length).toBeGreaterThanOrEqual(3);

    expect(await missingOllamaModels({ baseUrl: d.url, models: ["qwen2.5:1.5b"] })).toEqual([]);
    const reply = await new ChatOllama({ model: "qwen2.5:1.5b", baseUrl: d.url, maxRetries: 0 }).invoke("hello there");
    expect(reply.content).toBe("[qwen2.5:1.5b] answer to: hello there");
    expect(d.pulls[0]?.body).toEqual({ model: "qwen2.5:1.5b", stream: true });
  });

  it("throttles to about 10 reports a second, phase changes and the final report aside", async () => {
    const d = await start({ pullable: { big: { totalBytes: 4_000_000_000, chunksPerLayer: 400 } } });
    const reports: TransferProgress[] = [];
    const started = performance.now();
    await pullOllamaModel({ baseUrl: d.url, model: "big", onProgress: (p) => reports.push(p) });
    const elapsed = performance.now() - started;
    const phaseChanges = new Set(reports.map((p) => p.phase)).size;
    expect(d.pulls[0]?.outcome).toBe("ok");
    expect(reports.length).toBeLessThanOrEqual(phaseChanges + 1 + Math.ceil(elapsed / 100) + 1);
    expect(reports.length).toBeLessThan(100); // the stream had over 1,600 progress lines
  });

  it("an unknown model rejects with OllamaPullError naming the model, the server and where to check the name", async () => {
    const d = await start({});
    const reports: TransferProgress[] = [];
    const error = await pullOllamaModel({ baseUrl: d.url, model: "qwen2.5:1.5b", onProgress: (p) => reports.push(p) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OllamaPullError);
    expect((error as Error).message).toBe(
      `could not pull "qwen2.5:1.5b" from ${d.url}: pull model manifest: file does not exist (check the name at https://ollama.com/library)`,
    );
    expect(error).toMatchObject({ model: "qwen2.5:1.5b", baseUrl: d.url, reason: "pull model manifest: file does not exist" });
    expect(reports.map((p) => p.phase)).toEqual(["pulling manifest"]);
  });

  it("an error line mid-stream rejects, after progress stopped at the failure point; the model is not listed", async () => {
    const d = await start({ pullable: { m: { totalBytes: 1_000_000_000, failAfterBytes: 300_000_000 } } });
    const reports: TransferProgress[] = [];
    await expect(pullOllamaModel({ baseUrl: d.url, model: "m", onProgress: (p) => reports.push(p) })).rejects.toThrow(
      `could not pull "m" from ${d.url}: max retries exceeded: unexpected EOF`,
    );
    expect(reports.some((p) => p.done)).toBe(false);
    expect(Math.max(...reports.map((p) => p.completedBytes))).toBeLessThanOrEqual(300_000_000);
    expect(d.pulls[0]).toMatchObject({ outcome: "failed", bytesSent: 300_000_000 });
    expect(await missingOllamaModels({ baseUrl: d.url, models: ["m"] })).toEqual(["m"]);
  });

  it("a refused connection says the server is not reachable and how to start it", async () => {
    const url = await deadUrl();
    const error = await pullOllamaModel({ baseUrl: url, model: "llama3.2" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OllamaPullError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^could not pull "llama3\\.2" from ${url}: the Ollama server is not reachable \\(connection refused \\(127\\.0\\.0\\.1:\\d+\\)\\); start it with \`ollama serve\``,
      ),
    );
  });

  it("aborting mid-stream rejects with the signal's reason, and the server sees the client leave", async () => {
    const d = await start({ pullable: { slow: { totalBytes: 1_000_000_000, chunksPerLayer: 50, chunkDelayMs: 20 } } });
    const controller = new AbortController();
    const pulling = pullOllamaModel({
      baseUrl: d.url,
      model: "slow",
      signal: controller.signal,
      onProgress: (p) => {
        if (p.completedBytes > 0) controller.abort();
      },
    });
    await expect(pulling).rejects.toMatchObject({ name: "AbortError" });
    await until(() => d.pulls[0]?.outcome === "aborted");
    expect(d.pulls[0]?.bytesSent).toBeLessThan(1_000_000_000);
    expect(await missingOllamaModels({ baseUrl: d.url, models: ["slow"] })).toEqual(["slow"]);
  });

  it("joins lines split across chunks (even inside a UTF-8 character) and skips blank lines", async () => {
    const text = [
      '{"status":"pulling manifest"}',
      "",
      '{"status":"pulling aaaaaaaaaaaa","digest":"sha256:aaaa","total":1000}',
      '{"status":"pulling aaaaaaaaaaaa","digest":"sha256:aaaa","total":1000,"completed":600}',
      "   ",
      '{"status":"pulling bbbbbbbbbbbb","digest":"sha256:bbbb","total":24,"completed":24}',
      '{"status":"pulling aaaaaaaaaaaa","digest":"sha256:aaaa","total":1000,"completed":1000}',
      '{"status":"vérifying sha256 digest"}',
      '{"status":"success"}',
    ].join("\r\n");
    const bytes = new TextEncoder().encode(text);
    // Cut the bytes mid-line, right after a newline, and between the two bytes of the "é".
    const cuts = [5, 31, 32, 90, 150, text.indexOf("é") + 1, bytes.length];
    const pieces: Uint8Array[] = [];
    let from = 0;
    for (const cut of cuts) {
      pieces.push(bytes.slice(from, cut));
      from = cut;
    }
    const chunkedFetch: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const piece of pieces) controller.enqueue(piece);
            controller.close();
          },
        }),
      );
    const reports: TransferProgress[] = [];
    const final = await pullOllamaModel({
      baseUrl: "http://127.0.0.1:1",
      model: "m",
      fetch: chunkedFetch,
      onProgress: (p) => reports.push(p),
    });
    expect(final).toMatchObject({ completedBytes: 1024, totalBytes: 1024, done: true });
    expect(reports.map((p) => p.phase)).toContain("vérifying sha256 digest");
  });

  it("never reports fewer bytes than before, even when Ollama restarts a part of a layer", async () => {
    const lines = [
      '{"status":"pulling aaaaaaaaaaaa","digest":"sha256:aaaa","total":1000,"completed":600}\n',
      '{"status":"pulling aaaaaaaaaaaa","digest":"sha256:aaaa","total":1000,"completed":400}\n',
      '{"status":"pulling aaaaaaaaaaaa","digest":"sha256:aaaa","total":1000,"completed":800}\n',
      '{"status":"success"}\n',
    ];
    // Lines further apart than the throttle interval, so each one is reported.
    const pacedFetch: typeof fetch = async () => {
      const encoder = new TextEncoder();
      let next = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (next > 0) await new Promise((r) => setTimeout(r, 120));
            const line = lines[next++];
            if (line === undefined) controller.close();
            else controller.enqueue(encoder.encode(line));
          },
        }),
      );
    };
    const reports: TransferProgress[] = [];
    await pullOllamaModel({ baseUrl: "http://127.0.0.1:1", model: "m", fetch: pacedFetch, onProgress: (p) => reports.push(p) });
    expect(reports.map((p) => p.completedBytes)).toEqual([600, 600, 800, 1000]);
  });

  it("a stream that ends without success is an error naming the last status", async () => {
    const lines = [
      '{"status":"pulling manifest"}\n',
      '{"status":"pulling aaaaaaaaaaaa","digest":"sha256:aaaa","total":10,"completed":4}\n',
    ];
    await expect(pullOllamaModel({ baseUrl: "http://127.0.0.1:1", model: "m", fetch: fakeFetch(lines) })).rejects.toThrow(
      'could not pull "m" from http://127.0.0.1:1: the server ended the stream before reporting success (last status: "pulling aaaaaaaaaaaa")',
    );
  });

  it("a non-2xx answer rejects with the status and Ollama's error text", async () => {
    const error = await pullOllamaModel({
      baseUrl: "http://127.0.0.1:1",
      model: "m",
      fetch: fakeFetch(['{"error":"insufficient disk space"}'], 500),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OllamaPullError);
    expect(error).toMatchObject({ status: 500, message: 'could not pull "m" from http://127.0.0.1:1: HTTP 500: insufficient disk space' });
  });
});
