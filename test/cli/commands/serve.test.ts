import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { runCli } from "../../helpers/runCli.js";
import { startMoaServe, type MoaServeProcess } from "../../helpers/startMoaServe.js";
import { until } from "../../helpers/until.js";

let ollama: OllamaDouble;
const dir = mkdtempSync(path.join(tmpdir(), "moa-serve-"));
const config = path.join(dir, "team.yaml");
const slowConfig = path.join(dir, "slow-team.yaml");
const servers: MoaServeProcess[] = [];

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "quick:1b": { reply: "a quick proposal" },
      "slow:1b": { reply: "a slow proposal", latencyMs: 2_000 },
      "agg:3b": {
        reply: (req) =>
          `answer to ${req.messages.filter((m) => m.role === "user").length} question(s), the last: ${
            req.messages
              .filter((m) => m.role === "user")
              .at(-1)
              ?.content.split("\n")
              .at(-1) ?? ""
          }`,
      },
    },
  });
  writeFileSync(config, "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:quick:1b, ollama:quick:1b]\naggregator: ollama:agg:3b\n");
  writeFileSync(
    slowConfig,
    "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:slow:1b, ollama:quick:1b]\naggregator: ollama:agg:3b\n",
  );
});
afterAll(() => ollama.close());
afterEach(() => {
  for (const server of servers.splice(0)) server.kill();
});

async function serveWith(args: string[]): Promise<{ server: MoaServeProcess; openai: OpenAI }> {
  const server = await startMoaServe(args, { env: { OLLAMA_HOST: ollama.url } });
  servers.push(server);
  return { server, openai: new OpenAI({ baseURL: `${server.origin}/v1`, apiKey: "unused", maxRetries: 0 }) };
}

describe("moa serve", () => {
  it("serves each topology file under its name and continues a conversation named by its thread", async () => {
    const { server, openai } = await serveWith([config, slowConfig, "--db", path.join(dir, "threads.sqlite")]);
    expect((await openai.models.list()).data.map((m) => m.id)).toEqual(["team", "slow-team"]);
    const first = await openai.chat.completions
      .create({ model: "team", messages: [{ role: "user", content: "What is 2+2?" }] })
      .withResponse();
    const thread = first.response.headers.get("x-moa-thread");
    expect(thread).toMatch(/^[0-9a-f-]{36}$/);
    const second = await openai.chat.completions.create(
      {
        model: "team",
        messages: [
          { role: "user", content: "What is 2+2?" },
          { role: "assistant", content: first.data.choices[0]!.message.content! },
          { role: "user", content: "And 3+3?" },
        ],
      },
      { headers: { "X-MoA-Thread": thread! } },
    );
    // The aggregator saw both questions once each: the thread's history, plus the new one.
    expect(second.choices[0]?.message.content).toMatch(/^answer to 2 question\(s\), the last: .*And 3\+3\?/);
    expect(server.stderr()).toContain("serving 2 model(s)");
  });

  it("streams a Responses API answer with usage", async () => {
    const { openai } = await serveWith([config, "--no-persist"]);
    const stream = await openai.responses.create({ model: "team", input: "Say hi", stream: true });
    const types: string[] = [];
    let text = "";
    let usage: { output_tokens: number } | undefined | null;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") usage = event.response.usage;
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(text).toMatch(/^answer to 1 question\(s\)/);
    expect(usage?.output_tokens).toBeGreaterThan(0);
  });

  it("cancels the run's model calls when the client disconnects mid-stream", async () => {
    const { openai } = await serveWith([slowConfig, "--no-persist"]);
    const before = ollama.calls.length;
    const controller = new AbortController();
    const body: OpenAI.ChatCompletionCreateParamsStreaming & { moa: { details: boolean } } = {
      model: "slow-team",
      messages: [{ role: "user", content: "slow one" }],
      stream: true,
      moa: { details: true },
    };
    const stream = await openai.chat.completions.create(body, { signal: controller.signal });
    // Both proposers have started once their start events arrive; then the client goes away.
    let started = 0;
    let replyChunks = 0;
    try {
      for await (const chunk of stream) {
        if ((chunk as unknown as { moa?: { event: { event: string } } }).moa?.event.event === "agent_start") started++;
        if (chunk.choices[0]?.delta.content) replyChunks++;
        if (started === 2) controller.abort();
      }
    } catch {
      // The client's own abort may end the stream with an error or quietly, depending on its version.
    }
    expect(replyChunks).toBe(0);
    await until(() => ollama.calls.slice(before).some((call) => call.model === "slow:1b" && call.outcome !== undefined), 10_000);
    const slow = ollama.calls.slice(before).filter((call) => call.model === "slow:1b");
    expect(slow.map((call) => call.outcome)).toEqual(["aborted"]);
    // The aggregator was never called.
    expect(ollama.calls.slice(before).filter((call) => call.model === "agg:3b")).toHaveLength(0);
  });

  it("finishes a run in flight at SIGTERM, refuses new ones, and exits 0", async () => {
    const { server, openai } = await serveWith([slowConfig, "--no-persist", "--grace", "20"]);
    const inFlight = openai.chat.completions.create({ model: "slow-team", messages: [{ role: "user", content: "finish me" }] });
    await until(() => ollama.calls.some((call) => call.messages.some((m) => m.content.includes("finish me"))), 10_000);
    server.child.kill("SIGTERM");
    await until(() => server.stderr().includes("SIGTERM"), 10_000);
    // A new run is refused: 503 on a connection still open, or no connection at all.
    const late = await openai.chat.completions
      .create({ model: "slow-team", messages: [{ role: "user", content: "too late" }] })
      .catch((error: unknown) => error);
    expect(late instanceof OpenAI.InternalServerError ? late.status : late).toSatisfy(
      (outcome) => outcome === 503 || outcome instanceof OpenAI.APIConnectionError,
    );
    const answer = await inFlight.catch((error: unknown) => {
      throw new Error(`${String(error)}; server stderr:\n${server.stderr()}`);
    });
    expect(answer.choices[0]?.message.content).toMatch(/the last: .*finish me/);
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain("stopped");
  });

  it("refuses to listen beyond loopback without an API key", async () => {
    const result = await runCli(["serve", config, "--host", "0.0.0.0", "--port", "0"], { env: { OLLAMA_HOST: ollama.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("MOA_API_KEYS");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a topology file named like an OpenAI reasoning model", async () => {
    const reserved = path.join(dir, "o3-mini.yaml");
    writeFileSync(reserved, "layers:\n  - agents: [ollama:quick:1b]\naggregator: ollama:agg:3b\n");
    const result = await runCli(["serve", reserved, "--port", "0"], { env: { OLLAMA_HOST: ollama.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"o3-mini"');
    expect(result.stderr).toContain("rename");
  });
});
