import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unusedPort } from "./ports.js";

const root = path.resolve(import.meta.dirname, "../..");

/** A LangGraph dev server serving this repository's `langgraph.json`, isolated from any of the user's own. */
export interface DevServer {
  url: string;
  /** The folder holding the test's copy of `langgraph.json` and the server's `.langgraph_api/` state. */
  dir: string;
  log(): string;
  close(): Promise<void>;
}

/**
 * Starts `langgraphjs dev` on a free port with a copy of `langgraph.json` in a temporary folder: the JS
 * dev server keeps assistants, threads and runs in `.langgraph_api/` beside its config file, so the
 * suite never reads or overwrites the state of a dev server the user runs from the repository.
 * (The graph paths in the copy are relative to it, which is the form the server loads.)
 */
export async function startDevServer({ env, timeoutMs = 90_000 }: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<DevServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "moa-langgraph-"));
  const config = JSON.parse(readFileSync(path.join(root, "langgraph.json"), "utf8")) as {
    graphs: Record<string, string>;
    http?: { app?: string };
    dependencies?: string[];
  };
  const relocate = (spec: string) => {
    const [file, symbol] = spec.split(":");
    return `${path.relative(dir, path.resolve(root, file!))}:${symbol}`;
  };
  const copy = {
    ...config,
    dependencies: [path.relative(dir, root) || "."],
    graphs: Object.fromEntries(Object.entries(config.graphs).map(([id, spec]) => [id, relocate(spec)])),
    ...(config.http?.app ? { http: { ...config.http, app: relocate(config.http.app) } } : {}),
  };
  writeFileSync(path.join(dir, "langgraph.json"), JSON.stringify(copy, null, 2));
  const port = await unusedPort();
  let output = "";
  // cwd stays the repository so tsx finds the project's tsconfig.json.
  const server: ChildProcess = spawn(
    process.execPath,
    [
      path.join(root, "node_modules/@langchain/langgraph-cli/dist/cli/cli.mjs"),
      "dev",
      "--no-browser",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--config",
      path.join(dir, "langgraph.json"),
    ],
    {
      cwd: root,
      env: { ...process.env, LANGSMITH_TRACING: "false", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  server.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (server.pid === undefined || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    try {
      // The dev server spawns workers: end the whole process group.
      process.kill(-server.pid, "SIGTERM");
    } catch {
      return;
    }
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`LangGraph dev server exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/ok`)).ok) return { url, dir, log: () => output, close };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await close();
  throw new Error(`LangGraph dev server not ready after ${timeoutMs} ms:\n${output}`);
}
