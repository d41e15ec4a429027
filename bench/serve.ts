import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import OpenAI from "openai";
import { startOllamaDouble } from "../test/doubles/ollamaDouble.js";

/** Latencies of one way of running the batch. */
export interface ServeLatencies {
  completed: number;
  p50Ms: number;
  p95Ms: number;
  /** CPU time of the process per turn of the measured rounds: the cost HTTP adds whatever else runs on the machine. */
  cpuMsPerTurn: number;
}

/** What {@link benchServe} returns. */
export interface ServeBenchResult {
  clients: number;
  modelLatencyMs: number;
  server: ServeLatencies;
  inProcess: ServeLatencies;
  seconds: number;
}

const CLIENTS = 100;
const ROUNDS = 2;
const MODEL_LATENCY_MS = 100;

/**
 * 100 concurrent streaming clients against `moa serve`'s app (two proposers and an aggregator on a
 * loopback Ollama double answering after 100 ms per call, SQLite checkpoints), against the same turns
 * run in-process through the same code without HTTP. Each runs in a process of its own (bench/serveChild.ts).
 */
export async function benchServe(): Promise<ServeBenchResult> {
  const started = performance.now();
  const ollama = await startOllamaDouble({ models: { "p:1b": { reply: "a proposal of a few words", latencyMs: MODEL_LATENCY_MS } } });
  const dir = mkdtempSync(path.join(tmpdir(), "moa-bench-serve-"));
  const file = path.join(dir, "bench.yaml");
  writeFileSync(file, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:p:1b, ollama:p:1b]\naggregator: ollama:p:1b\n");
  const child = (mode: string) =>
    spawn(
      process.execPath,
      [path.join(import.meta.dirname, "serveChild.js"), mode, file, path.join(dir, `${mode}.sqlite`), String(CLIENTS), String(ROUNDS)],
      {
        env: { ...process.env, OLLAMA_HOST: ollama.url, LANGSMITH_TRACING: "false" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
  type Report = { port?: number; times?: number[]; cpuMs?: number };
  const reports = (process: ReturnType<typeof child>) => createInterface({ input: process.stdout! })[Symbol.asyncIterator]();
  const next = async (lines: AsyncIterator<string>) => {
    const { value, done } = await lines.next();
    if (done) throw new Error("the bench process ended without output");
    return JSON.parse(value) as Report;
  };
  const inProcess = await next(reports(child("in-process")));

  const server = child("server");
  const serverReports = reports(server);
  const { port } = await next(serverReports);
  const base = `http://127.0.0.1:${port}/v1`;
  const viaServer = async (): Promise<number> => {
    const t0 = performance.now();
    const response = await fetch(`${base}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "bench", messages: [{ role: "user", content: "Why is the sky blue?" }], stream: true }),
    });
    const body = await response.text();
    if (!body.includes('"content":"a') || !body.trimEnd().endsWith("data: [DONE]")) throw new Error(`bad stream: ${body.slice(0, 200)}`);
    return performance.now() - t0;
  };
  // One request through the official client first: what real clients read must parse.
  const check = await new OpenAI({ baseURL: base, apiKey: "bench", maxRetries: 0 }).chat.completions.create({
    model: "bench",
    messages: [{ role: "user", content: "Hi" }],
    stream: true,
  });
  for await (const chunk of check) void chunk;
  const serverTimes: number[] = [];
  let cpuBefore = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const batch = await Promise.all(Array.from({ length: CLIENTS }, viaServer));
    if (round > 0) serverTimes.push(...batch);
    else {
      server.kill("SIGUSR2");
      cpuBefore = (await next(serverReports)).cpuMs!;
    }
  }
  server.kill("SIGTERM");
  const serverCpuMs = (await next(serverReports)).cpuMs! - cpuBefore;
  await ollama.close();
  // CPU of the measured rounds only (start-up and the warm-up round left out).
  const turns = CLIENTS * ROUNDS;
  return {
    clients: CLIENTS,
    modelLatencyMs: MODEL_LATENCY_MS,
    server: { ...latencies(serverTimes), cpuMsPerTurn: serverCpuMs / turns },
    inProcess: { ...latencies(inProcess.times!), cpuMsPerTurn: inProcess.cpuMs! / turns },
    seconds: (performance.now() - started) / 1000,
  };
}

function latencies(times: number[]): Omit<ServeLatencies, "cpuMsPerTurn"> {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { completed: times.length, p50Ms: at(0.5), p95Ms: at(0.95) };
}
