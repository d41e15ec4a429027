import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../../doubles/ollamaDouble.js";
import { unusedPort } from "../../helpers/ports.js";
import { runCli } from "../../helpers/runCli.js";

/** What the pre-flight found is said once, and acted on: agents it left out are never called. */

/** A server that accepts connections and never answers, recording each request's first line. */
interface HangingServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function startHangingServer(): Promise<HangingServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("data", (data) => requests.push(data.toString("latin1").split("\r\n")[0] ?? ""));
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let ollama: OllamaDouble;
let hanging: HangingServer;
const dir = mkdtempSync(path.join(tmpdir(), "moa-preflight-"));

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: { "qwen2.5:1.5b": { reply: "proposal" }, "llama3.2:1b": { reply: "proposal 2" }, "qwen2.5:3b": { reply: "aggregated" } },
  });
  hanging = await startHangingServer();
});
afterAll(async () => {
  await ollama.close();
  await hanging.close();
});
beforeEach(() => {
  ollama.clearCalls();
  hanging.requests.length = 0;
});

function config(name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

const hangingFix =
  'start Ollama (`ollama serve`) or change the URL after "@" in the model reference (ollama:<name>@<url>) to a running server';

describe("agents the pre-flight left out", () => {
  const file = () =>
    config(
      "hanging.yaml",
      `layers:\n  - agents: ["ollama:qwen2.5:1.5b@${ollama.url}", "ollama:phi4:14b@${ollama.url}", "ollama:llama3.2:1b@${hanging.url}"]\naggregator: "ollama:qwen2.5:3b@${ollama.url}"\n`,
    );

  it("are named once each, with their fix, and the run answers with the others", async () => {
    const result = await runCli(["run", "Why?", "--config", file(), "--no-persist"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("aggregated");
    expect(result.stderr.split("\n").filter((line) => line.startsWith("warning:"))).toEqual([
      `warning: ollama ${ollama.url}: model "phi4:14b" is not pulled; layer1/phi4-14b left out of the run (fix: run again with --pull, or \`ollama pull phi4:14b\`)`,
      `warning: ollama ${hanging.url}: no answer within 3000 ms; layer1/llama3.2-1b left out of the run (fix: ${hangingFix})`,
    ]);
  });

  it("are never called: a hanging server sees only the probe, the missing model no chat call", async () => {
    await runCli(["run", "Why?", "--config", file(), "--no-persist"]);
    expect(hanging.requests).toEqual(["GET /api/tags HTTP/1.1"]);
    expect(ollama.callsFor("phi4:14b")).toEqual([]);
    expect(ollama.calls.map((c) => c.model).sort()).toEqual(["qwen2.5:1.5b", "qwen2.5:3b"]);
  });

  it("are recorded as failed with the pre-flight's reason", async () => {
    const result = await runCli(["run", "Why?", "--config", file(), "--no-persist", "--json"]);
    const { answers } = JSON.parse(result.stdout) as { answers: Array<{ nodeId: string; error?: string }> };
    expect(answers.find((a) => a.nodeId === "layer1/llama3.2-1b")?.error).toBe(
      `left out before the run: ollama ${hanging.url}: no answer within 3000 ms`,
    );
  });
});

describe("a layer that cannot meet its minSuccessful", () => {
  const file = () =>
    config(
      "min2.yaml",
      `layers:\n  - agents: ["ollama:qwen2.5:1.5b@${ollama.url}", "ollama:phi4:14b@${ollama.url}", "ollama:llama3.2:1b@${hanging.url}"]\n    minSuccessful: 2\naggregator: "ollama:qwen2.5:3b@${ollama.url}"\n`,
    );

  it("stops the run before it starts, naming the layer, the agents left out and why (exit 3)", async () => {
    const result = await runCli(["run", "Why?", "--config", file(), "--no-persist"]);
    expect(result.code).toBe(3);
    expect(result.stderr.split("\n")).toEqual([
      "moa: layer 1 needs 2 answers (minSuccessful 2), but only 1 of its 3 agents can run; left out:",
      `  - layer1/phi4-14b: ollama ${ollama.url}: model "phi4:14b" is not pulled`,
      "    fix: run again with --pull, or `ollama pull phi4:14b`",
      `  - layer1/llama3.2-1b: ollama ${hanging.url}: no answer within 3000 ms`,
      `    fix: ${hangingFix}`,
      "no model was called; fix the backends above, or lower minSuccessful",
      "",
    ]);
  });

  it("spends no model call", async () => {
    await runCli(["run", "Why?", "--config", file(), "--no-persist"]);
    expect(ollama.calls).toEqual([]);
    expect(hanging.requests).toEqual(["GET /api/tags HTTP/1.1"]);
  });
});

describe("the hint when no backend is usable", () => {
  it("for a config file, suggests other models in the file, never --backend (refused there) (exit 3)", async () => {
    const port = await unusedPort();
    const down = `http://127.0.0.1:${port}`;
    const file = config("down.yaml", `layers:\n  - agents: ["ollama:a@${down}"]\naggregator: "ollama:b@${down}"\n`);
    const result = await runCli(["run", "Why?", "--config", file, "--no-persist"]);
    expect(result.code).toBe(3);
    expect(result.stderr.split("\n")).toEqual([
      "moa: no usable model backend for this topology; tried:",
      `  - ollama ${down}: connection refused (127.0.0.1:${port}) (needed by layer1/a, aggregator)`,
      `    fix: ${hangingFix}`,
      "other ways to run: name other models in the topology file, on an OpenAI-compatible server",
      "(openai:<model>@<baseUrl>, or OPENAI_BASE_URL) or in-process GGUF files (llamacpp:<path.gguf>, or",
      "hf:<owner>/<repo>/<file.gguf>, downloaded on first use); see `moa run --help` and the README.",
      "",
    ]);
  });

  it("names OLLAMA_HOST only when the address came from it", async () => {
    const port = await unusedPort();
    const file = config("env.yaml", "layers:\n  - agents: [ollama:a]\naggregator: ollama:b\n");
    const result = await runCli(["run", "Why?", "--config", file, "--no-persist"], { env: { OLLAMA_HOST: `127.0.0.1:${port}` } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("    fix: start Ollama (`ollama serve`) or set OLLAMA_HOST to a running server\n");
  });

  it("for a preset on Ollama, suggests running it in-process with --backend llamacpp", async () => {
    const port = await unusedPort();
    const result = await runCli(["run", "Why?", "--preset", "moa-lite", "--backend", "ollama", "--no-persist"], {
      env: { OLLAMA_HOST: `127.0.0.1:${port}` },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "or a preset's own small GGUF models in-process\n(`moa run ... --backend llamacpp`, downloaded on first use)",
    );
  });
});

// Messages about the run, not the per-agent table (which records every agent's outcome).
// The summary table and the failure notes numbered under it (`[1] agent: reason`, wrapped onto indented lines) are
// the run's record, not messages.
const messages = (stderr: string): string[] => stderr.split("\n").filter((line) => !/^([│┌└├]|\[\d+\] | {4}(?!fix:))/.test(line));

describe("a preset's model that Ollama has not pulled", () => {
  // --quiet: the run status names every agent as it starts and ends; these are about the pre-flight's messages.
  it("is reported once, as a warning with its fix", async () => {
    const result = await runCli(["run", "Why?", "--no-persist", "--quiet"], { env: { OLLAMA_HOST: ollama.url } });
    expect(result.code).toBe(0);
    expect(messages(result.stderr).filter((line) => line.includes("gemma2:2b"))).toEqual([
      `warning: ollama ${ollama.url}: model "gemma2:2b" is not pulled; layer1/gemma2-2b left out of the run (fix: run again with --pull, or \`ollama pull gemma2:2b\`)`,
    ]);
  });

  it("is not reported at all with --no-check", async () => {
    const result = await runCli(["run", "Why?", "--no-persist", "--no-check", "--quiet"], { env: { OLLAMA_HOST: ollama.url } });
    expect(messages(result.stderr).filter((line) => line.includes("gemma2:2b"))).toEqual([]);
    // The call itself fails, and the run's record says so: a numbered note under the table.
    expect(result.stderr).toMatch(/│ gemma2-2b +│.*│ failed \[(\d+)\] │/);
    expect(result.stderr).toMatch(/^\[\d+\] gemma2-2b: HTTP 404: model "gemma2:2b" not found/m);
  });
});
