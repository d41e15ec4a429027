import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendJson, startLoopbackServer, type LoopbackServer } from "../doubles/loopback.js";
import { startOllamaDouble, type OllamaDouble } from "../doubles/ollamaDouble.js";
import { CLI, runCli } from "../helpers/runCli.js";

/**
 * What model and server text can do to the user's terminal, and what URL credentials can leak into:
 * the CLI runs under a pseudo-terminal (util-linux `script`) against loopback servers that answer
 * with control sequences, and with credentials in every URL it is given.
 */

const ESC = "\u001b";
const BEL = "\u0007";
// A window title, a clipboard write (OSC 52), a clear screen, a carriage return that would hide a line.
const HOSTILE = `Paris${ESC}]0;pwned${BEL} is${ESC}]52;c;cm0gLXJmIH4=${BEL} the${ESC}[2J capital.\rX`;
const SEQUENCES = [`${ESC}]0;`, "]52;", `${ESC}[2J`, BEL];

const dir = mkdtempSync(path.join(tmpdir(), "moa-terminal-"));
let ollama: OllamaDouble;
let hostileServer: LoopbackServer;
let configFile: string;

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: HOSTILE },
      "gemma2:2b": { reply: "A plain answer." },
      // Small chunks: the sequences are split across the streamed tokens.
      "qwen2.5:3b": { reply: HOSTILE, chunkSize: 3 },
    },
  });
  // An OpenAI-compatible server whose errors quote control sequences back.
  hostileServer = await startLoopbackServer(async (req, res) => {
    if (req.url?.endsWith("/models")) return sendJson(res, 200, { object: "list", data: [] });
    for await (const _ of req);
    sendJson(res, 400, { error: { message: `bad request ${ESC}]0;pwned${BEL}${ESC}[2J`, type: "invalid_request_error" } });
  });
  configFile = path.join(dir, "moa.yaml");
  writeFileSync(
    configFile,
    "defaults: { retries: 0 }\nlayers:\n  - agents: [ollama:qwen2.5:1.5b, ollama:gemma2:2b]\naggregator: ollama:qwen2.5:3b\n",
  );
});
afterAll(async () => {
  await ollama.close();
  await hostileServer.close();
});

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI with stdout and stderr on a pseudo-terminal; returns what the terminal received. */
function runInTerminal(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LANGSMITH_TRACING: "false", MOA_HOME: dir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (output += text));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("model text at a terminal", () => {
  const db = path.join(dir, "runs.sqlite");
  const env = () => ({ OLLAMA_HOST: ollama.url });

  it("strips control sequences from the streamed answer and --show-layers", async () => {
    const { code, output } = await runInTerminal(["run", "Capital?", "--config", configFile, "--show-layers", "--db", db], env());
    expect(code).toBe(0);
    for (const sequence of SEQUENCES) expect(output).not.toContain(sequence);
    // Twice: the proposer's block and the streamed answer; what the sequences surrounded stays.
    expect(output.split("Paris is the capital.X").length - 1).toBe(2);
  });

  it("strips them from `moa show`", async () => {
    const threads = await runCli(["threads", "--db", db]);
    const thread = /[0-9a-f-]{36}/.exec(threads.stdout)![0];
    const { code, output } = await runInTerminal(["show", thread, "--db", db], env());
    expect(code).toBe(0);
    for (const sequence of SEQUENCES) expect(output).not.toContain(sequence);
    expect(output).toContain("Paris is the capital.X");
  });

  it("keeps the raw text in --json and when stdout is not a terminal", async () => {
    const json = await runCli(["run", "Capital?", "--config", configFile, "--json", "--no-persist"], { env: env() });
    expect((JSON.parse(json.stdout) as { answer: string }).answer).toBe(HOSTILE);
    const piped = await runCli(["run", "Capital?", "--config", configFile, "--no-persist"], { env: env() });
    expect(piped.stdout).toBe(`${HOSTILE}\n`);
  });

  it("strips them from error messages that quote a server", async () => {
    const file = path.join(dir, "hostile-error.yaml");
    writeFileSync(
      file,
      `defaults: { retries: 0 }\nlayers:\n  - agents: ['openai:m@${hostileServer.url}/v1']\naggregator: ollama:qwen2.5:3b\n`,
    );
    const { code, output } = await runInTerminal(["run", "Capital?", "--config", file, "--no-persist"], env());
    expect(code).toBe(1);
    expect(output).toContain("bad request");
    for (const sequence of SEQUENCES) expect(output).not.toContain(sequence);
  });
});

describe("credentials in URLs", () => {
  it("are hidden in warnings, tables, errors and the stored checkpoints", async () => {
    const db = path.join(dir, "secret.sqlite");
    const file = path.join(dir, "secret.yaml");
    // Userinfo and a key in the query of an OpenAI-compatible server's URL: fetch refuses such a URL,
    // and its error quotes it.
    writeFileSync(
      file,
      [
        "defaults: { retries: 0 }",
        "layers:",
        `  - agents: [ollama:gemma2:2b, 'openai:m@http://user:hunter2@127.0.0.1:${hostileServer.port}/v1?api_key=sk-topsecret']`,
        "aggregator: ollama:qwen2.5:3b",
        "",
      ].join("\n"),
    );
    const result = await runCli(["run", "Capital?", "--config", file, "--db", db], { env: { OLLAMA_HOST: ollama.url } });
    expect(result.code).toBe(0);
    const shown = result.stdout + result.stderr;
    // The agent is still named by its server, without its secrets.
    expect(shown).toContain(`user:***@127.0.0.1:${hostileServer.port}`);
    const stored = readFileSync(db).toString("latin1");
    expect(stored).toContain("user:***@");
    for (const secret of ["hunter2", "sk-topsecret"]) {
      expect(shown).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    const json = await runCli(["show", /[0-9a-f-]{36}/.exec(result.stderr)![0], "--db", db, "--json"]);
    expect(json.stdout).not.toContain("hunter2");
  });

  it("are hidden when OLLAMA_HOST carries them", async () => {
    const host = ollama.url.replace("http://", "http://admin:hunter2@");
    const result = await runCli(["run", "Capital?", "--config", configFile, "--no-persist", "--show-layers"], {
      env: { OLLAMA_HOST: host },
    });
    expect(result.stdout + result.stderr).not.toContain("hunter2");
  });

  it("are hidden when the run database cannot be opened", async () => {
    const result = await runCli(["threads", "--checkpointer", "postgres://moa:hunter2@127.0.0.1:9/runs?password=hunter3"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("postgres://moa:***@127.0.0.1:9/runs?password=***");
    expect(result.stderr).not.toMatch(/hunter/);
  });
});
