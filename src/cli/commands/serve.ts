import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { MoAError } from "../../errors/MoAError.js";
import { UsageError } from "../../errors/UsageError.js";
import { readTextFile } from "../../config/readTextFile.js";
import { findPreset } from "../../graphs/registry.js";
import { openSqliteRunStore } from "../../persistence/sqliteRunStore.js";
import { chooseBackend } from "../../models/chooseBackend.js";
import { createServeApp } from "../../server/createServeApp.js";
import { loadServedMixtures } from "../../server/mixtures/loadServedMixtures.js";
import type { ServedMixture } from "../../server/mixtures/ServedMixture.js";
import { prepareRun } from "../prepareRun.js";
import { userMessage } from "../terminalText.js";
import { withRunStore, type PersistenceOptions } from "../withRunStore.js";

/** Options of `moa serve`. */
export interface ServeCommandOptions extends PersistenceOptions {
  /** Presets, topology files or folders of them; default the `moa-lite` preset. */
  topologies: string[];
  host: string;
  port: number;
  /** Where presets' models run; `auto` asks the providers that can detect themselves. */
  backend?: string | undefined;
  /** A file of API keys, one per line (`#` comments); added to `MOA_API_KEYS`. */
  apiKeyFile?: string | undefined;
  maxRunning: number;
  maxWaiting: number;
  maxBodyBytes: number;
  corsOrigins: string[];
  /** Seconds runs in flight may take to finish at SIGTERM/SIGINT before they are cancelled. */
  graceSeconds: number;
  pull?: boolean | undefined;
  check?: boolean | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  stderr?: NodeJS.WritableStream | undefined;
  /** Resolves when the server should stop (default: SIGTERM or SIGINT). */
  stopRequested?: Promise<string> | undefined;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * `moa serve`: serves topologies to OpenAI clients over HTTP until SIGTERM or Ctrl-C, then stops
 * accepting, lets runs in flight finish within the grace period and exits 0. Every topology is checked
 * before the server listens (files validated, models prepared and probed), so a bad one stops the start
 * with its error rather than failing requests.
 *
 * @example
 * await serveCommand({ topologies: ["moa-lite"], host: "127.0.0.1", port: 8080, maxRunning: 4, maxWaiting: 32, maxBodyBytes: 1 << 20, corsOrigins: [], graceSeconds: 30 });
 */
export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  const { host, port, env = process.env, stderr = process.stderr } = options;
  const apiKeys = readApiKeys({ file: options.apiKeyFile, env });
  if (!LOOPBACK.test(host) && apiKeys.length === 0)
    throw new UsageError(`--host ${host} would let anyone on the network run models, and no API key is set`, {
      code: "api_key_required",
      fix: "set MOA_API_KEYS (comma-separated keys) or --api-key-file, or bind to 127.0.0.1",
    });
  const specs = options.topologies.length > 0 ? options.topologies : ["moa-lite"];
  const backend = await presetBackend({ requested: options.backend ?? "auto", specs, stderr });
  const mixtures = loadServedMixtures({ specs, backend });
  for (const mixture of mixtures) {
    stderr.write(`checking ${mixture.id}…\n`);
    mixture.modelFactory = await prepareRun({
      topology: mixture.topology,
      pull: options.pull === true,
      check: options.check !== false,
      presetBackend: mixture.source.preset !== undefined ? backend : undefined,
      stderr,
    });
  }
  await withRunStore(options, async (store) => {
    // Without persistence the page still needs threads for the length of the server's life.
    const memory = store ? undefined : openSqliteRunStore(":memory:");
    const served = createServeApp({
      mixtures,
      store,
      langgraphStore: store ?? memory,
      apiKeys,
      maxRunning: options.maxRunning,
      maxWaiting: options.maxWaiting,
      maxBodyBytes: options.maxBodyBytes,
      corsOrigins: options.corsOrigins,
      ...(LOOPBACK.test(host) ? { allowedHosts: ["127.0.0.1", "localhost", "[::1]", host.includes(":") ? `[${host}]` : host] } : {}),
      log: (line) => stderr.write(`${line}\n`),
    });
    const server = await listen({ fetch: served.app.fetch, host, port });
    const { port: bound } = server.address() as AddressInfo;
    const origin = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    stderr.write(describeStart({ origin, mixtures, store: store?.description, keys: apiKeys.length }));
    let hurry: () => void = () => {};
    const hurried = new Promise<void>((resolve) => (hurry = resolve));
    const signals = stopSignals(() => hurry());
    try {
      const signal = await (options.stopRequested ?? signals.first);
      const { running, waiting } = served.slots.load;
      stderr.write(
        `${signal}: no new runs; waiting up to ${options.graceSeconds} s for ${running + waiting} in flight (send it again to cancel them now)\n`,
      );
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const { cancelled } = await served.drain({ graceMs: options.graceSeconds * 1000, hurry: hurried });
      if (cancelled > 0) stderr.write(`cancelled ${cancelled} run(s) still going; their finished steps are saved\n`);
      // The last responses are still being written when their runs end; then keep-alive connections that
      // did not close by themselves are closed.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      stderr.write("stopped\n");
    } finally {
      signals.dispose();
      await memory?.close();
    }
  });
}

function describeStart({
  origin,
  mixtures,
  store,
  keys,
}: {
  origin: string;
  mixtures: ServedMixture[];
  store: string | undefined;
  keys: number;
}): string {
  const lines = [
    `serving ${mixtures.length} model(s) at ${origin}`,
    `  OpenAI base URL: ${origin}/v1   (models: ${mixtures.map((m) => m.id).join(", ")})`,
    `  web page:        ${origin}/`,
    `  runs saved in:   ${store ?? "memory only (--no-persist): threads end with the server"}`,
    `  API keys:        ${keys === 0 ? "none (loopback only)" : `${keys}`}`,
    "Stop with Ctrl-C or SIGTERM.",
  ];
  return `${lines.join("\n")}\n`;
}

/** Keys from `MOA_API_KEYS` (comma-separated) and the key file (one per line, `#` comments). */
function readApiKeys({ file, env }: { file: string | undefined; env: NodeJS.ProcessEnv }): string[] {
  const fromEnv = (env.MOA_API_KEYS ?? "").split(",");
  const fromFile = file === undefined ? [] : readTextFile({ file, what: "API key file" }).split(/\r?\n/);
  const keys = [...fromEnv, ...fromFile].map((key) => key.trim()).filter((key) => key !== "" && !key.startsWith("#"));
  const short = keys.find((key) => key.length < 16);
  if (short !== undefined)
    throw new UsageError(`an API key is ${short.length} characters long; keys must be at least 16 characters`, {
      code: "weak_api_key",
      fix: "generate one with `openssl rand -hex 24`",
    });
  return keys;
}

/** The backend for the presets among `specs`; none when only files are served. */
async function presetBackend({ requested, specs, stderr }: { requested: string; specs: string[]; stderr: NodeJS.WritableStream }) {
  if (!specs.some((spec) => findPreset(spec))) return undefined;
  const { backend, reason } = await chooseBackend({ requested });
  stderr.write(`backend: ${backend} (${userMessage({ text: reason, stream: stderr })})\n`);
  return backend;
}

function listen({ fetch, host, port }: { fetch: Parameters<typeof serve>[0]["fetch"]; host: string; port: number }): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new MoAError(
          error.code === "EADDRINUSE"
            ? `port ${port} on ${host} is already in use`
            : `cannot listen on ${host}:${port}: ${error.code ?? error.message}`,
          {
            code: "listen_failed",
            category: "environment",
            fix: error.code === "EADDRINUSE" ? "choose another port with --port, or stop the program using it" : "check --host and --port",
          },
        ),
      ),
    );
  });
}

/**
 * Resolves at the first SIGTERM or SIGINT. The handlers stay installed until `dispose()`: a library that
 * re-raises a signal once no other handler listens (signal-exit does) would otherwise kill the process
 * in the middle of the drain. A second signal calls `onAgain` (stop waiting for runs).
 */
function stopSignals(onAgain: () => void): { first: Promise<string>; dispose(): void } {
  let received = 0;
  let resolveFirst: (signal: string) => void = () => {};
  const first = new Promise<string>((resolve) => (resolveFirst = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) resolveFirst(signal);
    else onAgain();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return {
    first,
    dispose: () => {
      process.removeListener("SIGTERM", onSignal);
      process.removeListener("SIGINT", onSignal);
    },
  };
}
