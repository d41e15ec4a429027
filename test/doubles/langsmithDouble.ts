/**
 * Loopback stand-in for the LangSmith API, speaking what the real `langsmith` client sends when it
 * traces, so a traced run can be checked end to end over 127.0.0.1 without the network.
 *
 * Endpoints: GET /info (server capabilities), POST /runs/multipart (multipart/form-data, gzip allowed),
 * POST /runs/batch (`{post, patch}` JSON), POST /runs, PATCH /runs/:id. Every run created or updated
 * is merged by id into {@link LangSmithDouble.runs}. Everything else answers 404.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import { isRecord, sendJson, startLoopbackServer, untilAborted } from "./loopback.js";

/** One request as received. */
export interface LangSmithRequest {
  method: string;
  path: string;
  /** The `x-api-key` header, when sent. */
  apiKey?: string;
}

/** A run as the double pieced it together from its create and its updates. */
export interface LangSmithRun {
  id: string;
  name?: string;
  run_type?: string;
  parent_run_id?: string;
  trace_id?: string;
  session_name?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  extra?: { metadata?: Record<string, unknown>; [key: string]: unknown };
  tags?: string[];
  error?: string;
  end_time?: unknown;
  [key: string]: unknown;
}

/** Options of {@link startLangSmithDouble}. */
export interface LangSmithDoubleOptions {
  /**
   * `hang`: accept every connection and never answer (a LangSmith that is down behind a proxy, or
   * a firewall that drops packets). `unauthorized`: answer GET /info, refuse every upload with 401
   * (a wrong API key). Default `ok`.
   */
  mode?: "ok" | "hang" | "unauthorized";
  /** Tell the client to use POST /runs/batch instead of /runs/multipart. Default false. */
  batchOnly?: boolean;
}

/** A running LangSmith double. */
export interface LangSmithDouble {
  /** Base URL without a trailing slash, to set as `LANGSMITH_ENDPOINT`. */
  readonly url: string;
  /** Every request in arrival order. */
  readonly requests: LangSmithRequest[];
  /** Runs by id. */
  readonly runs: Map<string, LangSmithRun>;
  /** Stops the server, destroying open and hanging connections. */
  close(): Promise<void>;
}

/** Starts a LangSmith API double on 127.0.0.1 with a free port. */
export async function startLangSmithDouble({ mode = "ok", batchOnly = false }: LangSmithDoubleOptions = {}): Promise<LangSmithDouble> {
  const requests: LangSmithRequest[] = [];
  const runs = new Map<string, LangSmithRun>();
  const merge = (run: unknown): void => {
    if (!isRecord(run) || typeof run.id !== "string") return;
    const known = runs.get(run.id) ?? { id: run.id };
    const merged: LangSmithRun = { ...known, ...run, id: run.id };
    // An update's fields win, but its extra adds to the create's metadata (as LangSmith merges them).
    if (isRecord(known.extra) && isRecord(run.extra)) {
      const metadata = { ...known.extra.metadata, ...(isRecord(run.extra.metadata) ? run.extra.metadata : {}) };
      merged.extra = { ...known.extra, ...run.extra, metadata };
    }
    runs.set(run.id, merged);
  };

  const server = await startLoopbackServer(async (req, res, signal) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const apiKey = req.headers["x-api-key"];
    requests.push({ method: req.method ?? "", path, ...(typeof apiKey === "string" ? { apiKey } : {}) });
    if (mode === "hang") return untilAborted(signal);
    if (req.method === "GET" && path === "/info") {
      return sendJson(res, 200, {
        version: "0.12.0",
        license_expiration_time: null,
        batch_ingest_config: { use_multipart_endpoint: !batchOnly, size_limit_bytes: 20_971_520, size_limit: 100 },
        instance_flags: {},
      });
    }
    if (mode === "unauthorized") return sendJson(res, 401, { detail: "Invalid token" });
    if (req.method === "POST" && path === "/runs/multipart") {
      for (const part of await readMultipart(req)) applyPart(part, merge);
      return accepted(res);
    }
    if (req.method === "POST" && path === "/runs/batch") {
      const body = JSON.parse((await readRaw(req)).toString("utf8")) as { post?: unknown[]; patch?: unknown[] };
      for (const run of [...(body.post ?? []), ...(body.patch ?? [])]) merge(run);
      return accepted(res);
    }
    if (req.method === "POST" && path === "/runs") {
      merge(JSON.parse((await readRaw(req)).toString("utf8")));
      return accepted(res);
    }
    const patch = /^\/runs\/([^/]+)$/.exec(path);
    if (req.method === "PATCH" && patch) {
      merge({ ...(JSON.parse((await readRaw(req)).toString("utf8")) as object), id: decodeURIComponent(patch[1]!) });
      return accepted(res);
    }
    sendJson(res, 404, { detail: `no route for ${req.method} ${path}` });
  });
  return { url: server.url, requests, runs, close: () => server.close() };
}

function accepted(res: ServerResponse): void {
  sendJson(res, 202, {});
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const body = Buffer.concat(parts);
  return req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
}

interface Part {
  name: string;
  value: string;
}

/** Splits a multipart/form-data body into its named parts (the client sends no files, only JSON). */
async function readMultipart(req: IncomingMessage): Promise<Part[]> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(req.headers["content-type"] ?? "");
  if (!boundary) throw new Error("multipart body without a boundary");
  const text = (await readRaw(req)).toString("utf8");
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const parts: Part[] = [];
  for (const chunk of text.split(delimiter).slice(1)) {
    if (chunk.startsWith("--")) break;
    const headerEnd = chunk.indexOf("\r\n\r\n");
    const name = /name="([^"]+)"/.exec(chunk.slice(0, headerEnd))?.[1];
    if (name === undefined || headerEnd < 0) continue;
    parts.push({ name, value: chunk.slice(headerEnd + 4).replace(/\r\n$/, "") });
  }
  return parts;
}

/**
 * A part is named `post.<id>` or `patch.<id>` (the run without its large fields) or
 * `post.<id>.<field>` (one of inputs, outputs, events, extra, error, serialized).
 */
function applyPart(part: Part, merge: (run: unknown) => void): void {
  const [, id, field] = /^(?:post|patch)\.([^.]+)(?:\.(\w+))?$/.exec(part.name) ?? [];
  if (id === undefined) return;
  const value: unknown = JSON.parse(part.value);
  merge(field === undefined ? { ...(isRecord(value) ? value : {}), id } : { id, [field]: value });
}
