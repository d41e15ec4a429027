import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { runCli } from "../helpers/runCli.js";

/**
 * `moa run ... | head -1`: the reader of stdout exits after the first line. The CLI runs with its
 * stdout pipe closed by the test as `head` would close it, against a loopback Ollama double.
 */

const dir = mkdtempSync(path.join(tmpdir(), "moa-closed-"));
const db = path.join(dir, "runs.sqlite");
// A first line, then a long rest streamed slowly: writes go on after the reader has gone.
const ANSWER = `The first line.\n${"and more text ".repeat(60)}`;
let ollama: OllamaDouble;
let configFile: string;

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: "Proposal one." },
      "gemma2:2b": { reply: "Proposal two." },
      "qwen2.5:3b": { reply: ANSWER, chunkSize: 16, chunkDelayMs: 20 },
    },
  });
  configFile = path.join(dir, "moa.yaml");
  writeFileSync(
    configFile,
    "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:qwen2.5:1.5b, ollama:gemma2:2b]\naggregator: { model: ollama:qwen2.5:3b, contextWindow: 8192 }\n",
  );
});
afterAll(() => ollama.close());

const env = () => ({ OLLAMA_HOST: ollama.url });
const STACK = /\n\s+at |Unhandled 'error' event|Error: write EPIPE/;

describe("a closed stdout", () => {
  it("stops the run like Ctrl-C, without a stack trace, and the thread resumes", async () => {
    ollama.clearCalls();
    const result = await runCli(["run", "Question?", "--config", configFile, "--db", db], {
      env: env(),
      // `head -1`: read up to the first line, then close the pipe.
      onSpawn: (child) => child.stdout!.on("data", (text: Buffer | string) => String(text).includes("\n") && child.stdout!.destroy()),
    });
    expect(result.stdout).toContain("The first line.");
    expect(result.code).toBe(141);
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stderr).toContain("the output was closed, so the run stopped");
    const thread = /Resume with: moa resume ([0-9a-f-]{36})/.exec(result.stderr)?.[1];
    expect(thread).toBeDefined();
    // The aggregator's call was cut short, not left running.
    expect(ollama.callsFor("qwen2.5:3b")[0]?.outcome).toBe("aborted");

    ollama.clearCalls();
    const resumed = await runCli(["resume", thread!, "--db", db], { env: env() });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim()).toBe(ANSWER.trim());
    // The proposers' answers were checkpointed: only the aggregator is asked again.
    expect(ollama.callsFor("qwen2.5:1.5b")).toHaveLength(0);
    expect(ollama.callsFor("qwen2.5:3b")).toHaveLength(1);
  });

  it("ends `moa show` quietly when its reader is gone before it writes", async () => {
    const first = await runCli(["run", "Another question?", "--config", configFile, "--db", db], { env: env() });
    const thread = /continue with --thread ([0-9a-f-]{36})/.exec(first.stderr)![1]!;
    const result = await runCli(["show", thread, "--db", db], { onSpawn: (child) => child.stdout!.destroy() });
    expect(result.code).toBe(141);
    expect(result.stderr).not.toMatch(STACK);
  });

  it("does not crash when stderr is closed too", async () => {
    const result = await runCli(["run", "Question?", "--config", configFile, "--db", db], {
      env: env(),
      onSpawn: (child) => {
        child.stdout!.destroy();
        child.stderr!.destroy();
      },
    });
    expect(result.code).toBe(141);
  });
});

describe("a closed stderr alone", () => {
  it("loses only messages: the answer is still read, so the run finishes", async () => {
    const thread = "6f1d2c3b-0000-4000-8000-00000000c105";
    const result = await runCli(["run", "Question?", "--config", configFile, "--db", db, "--thread", thread], {
      env: env(),
      onSpawn: (child) => child.stderr!.destroy(),
    });
    expect(result.stdout.trim()).toBe(ANSWER.trim());
    // Only the summary table was lost: the answer reached its reader, and the run finished.
    expect(result.code).toBe(0);
    const shown = await runCli(["show", thread, "--db", db, "--json"]);
    const doc = JSON.parse(shown.stdout) as { messages: Array<{ type: string; content: string }> };
    expect(doc.messages.at(-1)).toEqual({ type: "ai", content: ANSWER });
  });
});
