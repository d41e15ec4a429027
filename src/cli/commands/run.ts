import { randomUUID } from "node:crypto";
import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { UsageError } from "../../errors/UsageError.js";
import { buildTopologyGraph } from "../../graphs/buildTopologyGraph.js";
import { loadConfig, loadConfigTraced } from "../../graphs/loadConfig.js";
import { chooseBackend } from "../../models/chooseBackend.js";
import { modelProvider } from "../../models/providers/registry.js";
import type { TopologySource } from "../../persistence/RunStore.js";
import { prepareRun } from "../prepareRun.js";
import { streamRun, type RunOutputOptions } from "../streamRun.js";
import { userMessage } from "../terminalText.js";
import { withRunStore, type PersistenceOptions } from "../withRunStore.js";

/** Options of `moa run`. */
export interface RunCommandOptions extends PersistenceOptions, RunOutputOptions {
  question: string;
  /** A topology file (YAML or JSON). */
  config?: string | undefined;
  preset?: string | undefined;
  /** A topology kind (`moa`, `self-moa`, `coe`, `mosaic`, ...): its default preset, or a check of the config's kind. */
  topology?: string | undefined;
  /** Continue this conversation (a new thread id is made when absent). */
  thread?: string | undefined;
  /** Where presets' models run; `auto` (default) asks the providers that can detect themselves. */
  backend?: string | undefined;
  /** Caps every agent's generated tokens for this turn. */
  maxTokens?: number | undefined;
  /** Pull missing Ollama models before the run. */
  pull?: boolean | undefined;
  /** Probe the backends before the run (default true). */
  check?: boolean | undefined;
}

/**
 * `moa run`: answers one question with a topology, streaming the reply to stdout and the per-agent
 * summary to stderr (so `moa run ... > answer.txt` keeps only the answer). Every run is checkpointed
 * on a thread, which `--thread` continues and `moa resume` finishes after a crash.
 *
 * @example
 * await runCommand({ question: "Why is the sky blue?", preset: "moa-lite", showLayers: true });
 */
export async function runCommand(options: RunCommandOptions): Promise<void> {
  const { question, config, preset, topology, thread, stderr = process.stderr } = options;
  await withRunStore(options, async (store) => {
    const known = thread !== undefined && store ? await store.getThread(thread) : undefined;
    const chosen = config !== undefined || preset !== undefined || topology !== undefined;
    // A continued thread keeps its topology unless the user names another.
    const source: TopologySource = !chosen && known ? { ...known.source } : sourceOf({ config, preset, topology });
    // A cap is for the turn it is given with (and its resume), not for the rest of the conversation.
    delete source.maxTokens;
    if (options.maxTokens !== undefined) source.maxTokens = options.maxTokens;
    await chooseSourceBackend({ source, requested: options.backend, thread, stderr });
    if (options.pull && source.backend !== undefined && source.backend !== "ollama") {
      stderr.write(
        `note: --pull applies to Ollama models; ${modelProvider(source.backend)?.presets === "files" ? "in-process models are downloaded on first use anyway" : "ignored"}\n`,
      );
    }
    const threadId = thread ?? randomUUID();
    const resolved = loadConfig(source);
    await prepareRun({ topology: resolved, pull: options.pull === true, check: options.check !== false, stderr, signal: options.signal });
    await store?.recordThread({ threadId, source, title: known?.title ?? question.slice(0, 120) });
    await streamRun({
      ...options,
      topology: resolved,
      graph: buildTopologyGraph({ topology: resolved }),
      store,
      threadId,
      input: { messages: [new HumanMessage(question)] },
    });
  });
}

/**
 * Decides where the presets of this run execute and says so: the backend asked for, the one a
 * continued thread keeps, or `auto`'s pick. A config file names its own models, so a backend only
 * applies to it when it has stage presets.
 */
async function chooseSourceBackend({
  source,
  requested,
  thread,
  stderr,
}: {
  source: TopologySource;
  requested: string | undefined;
  thread: string | undefined;
  stderr: NodeJS.WritableStream;
}): Promise<void> {
  const explicit = requested !== undefined && requested !== "auto" ? requested : undefined;
  // Loaded once first, on the default backend: a bad file or preset is reported before any backend is
  // probed, and the load tells whether any preset follows the backend choice at all.
  const { backendPresets } = loadConfigTraced({ ...source, backend: undefined });
  if (backendPresets.length === 0) {
    if (explicit)
      throw new UsageError(`--backend chooses the models of a preset; the config file ${source.file} names its own models`, {
        code: "backend_without_preset",
      });
    delete source.backend;
    return;
  }
  if (explicit || source.backend === undefined) {
    const { backend, reason } = await chooseBackend({ requested: explicit ?? "auto" });
    stderr.write(`backend: ${backend} (${userMessage({ text: reason, stream: stderr })})\n`);
    source.backend = backend;
  } else stderr.write(`backend: ${source.backend} (kept from thread ${thread})\n`);
  const problem = modelProvider(source.backend!)?.presetProblem?.(process.env);
  if (problem) throw new UsageError(problem, { code: "backend_unusable" });
}

function sourceOf({
  config,
  preset,
  topology,
}: {
  config?: string | undefined;
  preset?: string | undefined;
  topology?: string | undefined;
}): TopologySource {
  return {
    ...(config !== undefined ? { file: path.resolve(config) } : {}),
    ...(preset !== undefined ? { preset } : {}),
    ...(topology !== undefined ? { topology } : {}),
  };
}
