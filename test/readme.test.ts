import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "./doubles/ollamaDouble.js";

// The README's TypeScript examples are extracted and run as written, against a loopback Ollama.
const root = path.resolve(import.meta.dirname, "..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const outDir = path.join(root, "test/.tmp");

function example(name: string): string {
  const match = new RegExp(`<!-- readme-example: ${name} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`README has no example "${name}"`);
  return match[1];
}

let runs = 0;

async function runExample(name: string, errors: string[] = []): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  // A new file per run: a module is evaluated once per path, and an example may run more than once.
  const file = path.join(outDir, `readme-${name}-${++runs}.ts`);
  writeFileSync(file, example(name));
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args.map(String).join(" ")));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  return lines;
}

let ollama: OllamaDouble;
const saved = { host: process.env.OLLAMA_HOST, base: process.env.OLLAMA_BASE_URL };

beforeAll(async () => {
  ollama = await startOllamaDouble({
    models: {
      "qwen2.5:1.5b": { reply: "Sunlight scatters off air molecules." },
      "llama3.2:1b": { reply: "Rayleigh scattering favours blue light." },
      "gemma2:2b": { reply: "Short wavelengths scatter most." },
      "qwen2.5:3b": { reply: "Blue light is scattered most by the air, so the sky looks blue." },
      "llama3.1:8b": {
        toolCalls: (req) =>
          req.messages.at(-1)?.role === "user" ? [{ name: "ask_model_panel", arguments: { question: "Is 1009 prime?" } }] : undefined,
        reply: (req) => `The panel says: ${req.messages.at(-1)?.content ?? ""}`,
      },
    },
  });
  // Examples use the default Ollama address; point it at the double as a user would with OLLAMA_HOST.
  process.env.OLLAMA_HOST = ollama.url;
  process.env.OLLAMA_BASE_URL = ollama.url;
});

afterAll(async () => {
  process.env.OLLAMA_HOST = saved.host;
  process.env.OLLAMA_BASE_URL = saved.base;
  if (saved.host === undefined) delete process.env.OLLAMA_HOST;
  if (saved.base === undefined) delete process.env.OLLAMA_BASE_URL;
  await ollama.close();
});
afterEach(() => ollama.clearCalls());

describe("README examples", () => {
  it("quickstart: invokes with a checkpointer, summarizes, and continues the thread", async () => {
    const out = await runExample("quickstart");
    expect(out[0]).toBe("Blue light is scattered most by the air, so the sky looks blue.");
    expect(out).toContain("4 calls");
    expect(out.at(-1)).toBe("4");
    expect(out.filter((l) => /^layer \d \S+: \d+ tokens$/.test(l))).toHaveLength(4);
  });

  it("streaming: reports each agent as it finishes and assembles the streamed answer", async () => {
    const out = await runExample("streaming");
    expect(
      out
        .filter((l) => /finished in \d+ ms$/.test(l))
        .map((l) => l.split(" ")[0])
        .sort(),
    ).toEqual(["aggregator", "layer1/gemma2-2b", "layer1/qwen2.5-1.5b"]);
    expect(out.at(-1)).toBe("Blue light is scattered most by the air, so the sky looks blue.");
  });

  it("subgraph: the panel's answer joins the parent conversation", async () => {
    const out = await runExample("subgraph");
    expect(out.join("\n")).toBe(
      [
        "human: What is 17 * 23?",
        "ai: Blue light is scattered most by the air, so the sky looks blue.",
        "ai: (answered by a panel of two models)",
      ].join("\n"),
    );
  });

  it("tool: another agent calls the panel through createMoATool", async () => {
    // OLLAMA_HOST alone must lead both the calling agent and the panel to the server.
    delete process.env.OLLAMA_BASE_URL;
    const out = await runExample("tool");
    process.env.OLLAMA_BASE_URL = ollama.url;
    expect(out.at(-1)).toBe("The panel says: Blue light is scattered most by the air, so the sky looks blue.");
    // The panel itself ran: both proposers and its aggregator were called with the tool's question.
    expect(ollama.callsFor("gemma2:2b")[0]!.messages.at(-1)!.content).toBe("Is 1009 prime?");
  });
});

describe("README tool example without a server", () => {
  const saved = { host: process.env.OLLAMA_HOST, base: process.env.OLLAMA_BASE_URL, exitCode: process.exitCode };
  afterEach(() => {
    process.env.OLLAMA_HOST = saved.host;
    process.env.OLLAMA_BASE_URL = saved.base;
    process.exitCode = saved.exitCode;
  });

  it("says in one line that no Ollama answers at OLLAMA_HOST, and exits non-zero", async () => {
    const closed = await startOllamaDouble({ models: {} });
    const url = closed.url;
    await closed.close();
    process.env.OLLAMA_HOST = url;
    delete process.env.OLLAMA_BASE_URL;
    const errors: string[] = [];

    const out = await runExample("tool", errors);

    expect(out).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`^no answer: .*connection refused.* \\(Ollama at ${url.replace(/[.]/g, "\\.")}; start it or set OLLAMA_HOST\\)$`),
    );
    expect(errors[0]).not.toContain("\n");
    expect(process.exitCode).toBe(1);
  });
});

describe("README examples type-check", () => {
  it("compiles every example under the project's strict settings", async () => {
    const ts = (await import("typescript")).default;
    mkdirSync(outDir, { recursive: true });
    const names = [...readme.matchAll(/<!-- readme-example: ([\w-]+) -->/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThanOrEqual(4);
    const files = names.map((name) => {
      const file = path.join(outDir, `typecheck-${name}.ts`);
      // Each example is its own module (they reuse names such as `moa`).
      writeFileSync(file, `${example(name)}\nexport {};\n`);
      return file;
    });
    const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
    const program = ts.createProgram(files, {
      ...parsed.options,
      noEmit: true,
      baseUrl: root,
      // The published type declarations, as a user's project sees them (globalSetup builds dist/).
      paths: { "langgraph-moa": ["dist/src/index.d.ts"], "langgraph-moa/models": ["dist/src/models/index.d.ts"] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(path.resolve(d.file.fileName)));
    const messages = diagnostics.map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(messages).toEqual([]);
  }, 60_000);
});

// Sample outputs marked `<!-- readme-output: <moa arguments> -->` are compared with what the built CLI prints
// offline today: the sample's lines must appear, in order and together, in its stdout and stderr (a first line
// showing the command, `$ npx moa ...`, is not output). Volatile parts (the closed port standing in for Ollama's
// default address) are normalized first.
function outputSamples(): Array<{ args: string[]; expected: string[] }> {
  return [...readme.matchAll(/<!-- readme-output: (.+?) -->\s*```\w*\n([\s\S]*?)```/g)].map((m) => ({
    args: [...m[1]!.matchAll(/"([^"]*)"|(\S+)/g)].map((a) => a[1] ?? a[2]!),
    expected: m[2]!
      .trimEnd()
      .split("\n")
      .filter((line, i) => !(i === 0 && line.startsWith("$ "))),
  }));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function runCli(args: string[]): Promise<string[]> {
  const port = await closedPort();
  const home = mkdtempSync(path.join(os.tmpdir(), "moa-readme-"));
  const env: NodeJS.ProcessEnv = { ...process.env, OLLAMA_HOST: `127.0.0.1:${port}`, MOA_HOME: home, MOA_MODELS_DIR: home, NO_COLOR: "1" };
  delete env.OLLAMA_BASE_URL;
  delete env.OPENAI_BASE_URL;
  const output = await new Promise<string>((resolve) => {
    execFile(process.execPath, [path.join(root, "dist/src/cli/main.js"), ...args], { env, cwd: root }, (_error, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    );
  });
  return output.replaceAll(`127.0.0.1:${port}`, "127.0.0.1:11434").trimEnd().split("\n");
}

function containsInOrder(lines: string[], sample: string[]): boolean {
  return lines.some((_, start) => sample.every((line, i) => lines[start + i] === line));
}

describe("README sample outputs", () => {
  const samples = outputSamples();

  it("finds the marked samples", () => {
    expect(samples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(samples.map((s) => [s.args.join(" "), s] as const))("moa %s prints the README's sample", async (_name, sample) => {
    const lines = await runCli(sample.args);
    expect(containsInOrder(lines, sample.expected), lines.join("\n")).toBe(true);
  });
});
