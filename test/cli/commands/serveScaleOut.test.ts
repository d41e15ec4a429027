import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { postgresReachable } from "../../helpers/postgres.js";
import { startMoaServe, type MoaServeProcess } from "../../helpers/startMoaServe.js";
import { until } from "../../helpers/until.js";

// A real PostgreSQL server: .ci/run makes sure one runs. Outside CI, without a server, these tests
// are skipped with the reason printed.
const url = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const available = await postgresReachable(url);
if (!available && process.env.CI) throw new Error(`PostgreSQL is required in CI but ${url} does not answer`);
if (!available) console.warn(`skipping PostgreSQL tests: no server answers at ${url} (set MOA_TEST_POSTGRES_URL)`);

let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-serve-pg-"));
const config = path.join(dir, "team.yaml");
const servers: MoaServeProcess[] = [];

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "quick:1b": { reply: "a quick proposal" },
      "agg:3b": {
        reply: (req) => {
          const questions = req.messages.filter((m) => m.role === "user");
          return `answer to ${questions.length} question(s), the last: ${questions.at(-1)?.content.split("\n").at(-1) ?? ""}`;
        },
        latencyMs: 300,
      },
    },
  });
  writeFileSync(config, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:quick:1b, ollama:quick:1b]\naggregator: ollama:agg:3b\n");
});
afterAll(() => ollama.close());
afterEach(() => {
  for (const server of servers.splice(0)) server.kill();
});

async function instance(): Promise<OpenAI> {
  const server = await startMoaServe([config, "--checkpointer", url], { env: { OLLAMA_HOST: ollama.url } });
  servers.push(server);
  return new OpenAI({ baseURL: `${server.origin}/v1`, apiKey: "unused", maxRetries: 0 });
}

describe.skipIf(!available)("several moa serve processes on one PostgreSQL", () => {
  it("continue on one process a conversation started on another", async () => {
    const [first, second] = await Promise.all([instance(), instance()]);
    const opened = await first.chat.completions
      .create({ model: "team", messages: [{ role: "user", content: "Name a prime." }] })
      .withResponse();
    const thread = opened.response.headers.get("x-moa-thread")!;
    const continued = await second.chat.completions.create(
      {
        model: "team",
        messages: [
          { role: "user", content: "Name a prime." },
          { role: "assistant", content: opened.data.choices[0]!.message.content! },
          { role: "user", content: "And another one?" },
        ],
      },
      { headers: { "X-MoA-Thread": thread } },
    );
    expect(continued.choices[0]?.message.content).toMatch(/^answer to 2 question\(s\), the last: .*And another one\?/);
  });

  it("answers 409 to a second turn on a thread another process is running", async () => {
    const [first, second] = await Promise.all([instance(), instance()]);
    const opened = await first.chat.completions.create({ model: "team", messages: [{ role: "user", content: "One" }] }).withResponse();
    const thread = opened.response.headers.get("x-moa-thread")!;
    const calls = ollama.calls.length;
    const running = first.chat.completions.create(
      { model: "team", messages: [{ role: "user", content: "Two" }] },
      { headers: { "X-MoA-Thread": thread } },
    );
    await until(() => ollama.calls.slice(calls).some((call) => call.model === "agg:3b"), 10_000);
    const refused = await second.chat.completions
      .create({ model: "team", messages: [{ role: "user", content: "Three" }] }, { headers: { "X-MoA-Thread": thread } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.ConflictError);
    expect((refused as Error).message).toContain("start a new thread");
    expect((await running).choices[0]?.message.content).toMatch(/the last: .*Two/);
  });
});
