import { resumeCommandFor } from "../resumeCommandFor.js";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { MoAError } from "../../errors/MoAError.js";
import { UsageError } from "../../errors/UsageError.js";
import { buildTopologyGraph } from "../../graphs/buildTopologyGraph.js";
import { loadConfig, loadConfigTraced } from "../../graphs/loadConfig.js";
import { chooseBackend, type ChosenBackend } from "../../models/chooseBackend.js";
import { modelProvider } from "../../models/providers/registry.js";
import { readThreadValues } from "../../persistence/readThreadValues.js";
import type { RunStore, TopologySource } from "../../persistence/RunStore.js";
import { ThreadBusyError } from "../../persistence/ThreadBusyError.js";
import { askYesNo, canAskAt } from "../askYesNo.js";
import { prepareRun } from "../prepareRun.js";
import { markResumable } from "../resumableThread.js";
import { streamRun, type RunOutputOptions } from "../streamRun.js";
import { resolveThreadTopology } from "../threadTopology.js";
import { userMessage } from "../terminalText.js";
import { withRunStore, type PersistenceOptions } from "../withRunStore.js";
import { withThreadLock } from "../withThreadLock.js";

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
  /** Fetch missing models before the run without asking (Ollama pulls, GGUF downloads). */
  pull?: boolean | undefined;
  /** Probe the backends before the run (default true). */
  check?: boolean | undefined;
  /** Let `--thread` continue a thread with another topology than the one it was run with. */
  switchTopology?: boolean | undefined;
  /** Ask on a thread whose last turn has no answer, leaving that turn unanswered. */
  abandon?: boolean | undefined;
  /** Answer yes to every question: `auto`'s fallback when the backend the environment names cannot be used, downloads, pulls. */
  yes?: boolean | undefined;
  /** Asks the user a yes/no question; default: a prompt when stdin and stderr are terminals, else none. */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
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
  if (options.persist === false && thread !== undefined)
    throw new UsageError("--thread continues a saved conversation, and --no-persist reads and saves none", {
      code: "thread_without_persistence",
      fix: "leave out --no-persist to continue the thread, or leave out --thread to ask without saving anything",
    });
  if (options.switchTopology && thread === undefined)
    throw new UsageError("--switch-topology switches the topology of the thread given with --thread <id>, and no --thread was given", {
      code: "switch_without_thread",
      fix: "add --thread <id> to switch that thread, or leave out --switch-topology (a new thread takes any topology)",
    });
  const threadId = thread ?? randomUUID();
  await withRunStore(options, async (store) => {
    const known = thread !== undefined && store ? await store.getThread(thread) : undefined;
    const { source, note } = resolveThreadTopology({
      threadId,
      stored: known?.source,
      requested: sourceOf({ config, preset, topology }),
      switchTopology: options.switchTopology === true,
    });
    if (note) stderr.write(`${note}\n`);
    // Said before any backend is probed or model downloaded (unless a run is writing the thread right now, whose
    // turn is not unfinished but in progress), and checked again once the thread is held.
    if (known && store && !options.abandon && (await threadIsFree(store, threadId))) await refuseUnfinishedTurn({ store, threadId });
    // A cap is for the turn it is given with (and its resume), not for the rest of the conversation.
    delete source.maxTokens;
    if (options.maxTokens !== undefined) source.maxTokens = options.maxTokens;
    const confirm =
      options.confirm ??
      (canAskAt(stderr)
        ? (question: string) => askYesNo({ question, stderr, byDefault: false, onInterrupt: "nothing was run" })
        : undefined);
    await chooseSourceBackend({ source, requested: options.backend, thread, stderr, yes: options.yes === true, confirm });
    // --pull fetches what a backend can fetch: Ollama pulls, in-process GGUF downloads.
    if (options.pull && source.backend !== undefined && source.backend !== "ollama" && modelProvider(source.backend)?.presets !== "files")
      stderr.write("note: --pull applies to Ollama models and in-process GGUF downloads; ignored\n");
    const resolved = loadConfig(source);
    const modelFactory = await prepareRun({
      topology: resolved,
      pull: options.pull === true || options.yes === true,
      check: options.check !== false,
      presetBackend: source.backend,
      stderr,
      signal: options.signal,
    });
    // The thread is held only while it is written: downloads and probes above do not keep other runs waiting.
    await withThreadLock({ store, threadId, stderr, signal: options.signal }, async (signal) => {
      if (known && store && !options.abandon) await refuseUnfinishedTurn({ store, threadId });
      await store?.recordThread({ threadId, source, title: known?.title ?? question.slice(0, 120) });
      await streamRun({
        ...options,
        signal,
        topology: resolved,
        graph: buildTopologyGraph({ topology: resolved, modelFactory }),
        store,
        threadId,
        input: { messages: [new HumanMessage(question)] },
      });
    });
  });
}

/** Whether no run holds the thread at this moment. */
async function threadIsFree(store: RunStore, threadId: string): Promise<boolean> {
  try {
    await (await store.lockThread(threadId, { waitMs: 0 })).release();
    return true;
  } catch (error) {
    if (error instanceof ThreadBusyError) return false;
    throw error;
  }
}

/**
 * A new question on a thread whose last turn has no answer (interrupted, failed) would leave that turn
 * behind for good, since `moa resume` continues the latest turn: refuse, unless `--abandon` says so.
 */
async function refuseUnfinishedTurn({ store, threadId }: { store: RunStore; threadId: string }): Promise<void> {
  const values = await readThreadValues({ checkpointer: store.checkpointer, threadId });
  const last = values?.messages.at(-1);
  if (!values || last?.getType() !== "human") return;
  const question = last.text.length > 60 ? `${last.text.slice(0, 59)}…` : last.text;
  const resume = resumeCommandFor({ threadId, store });
  const error = new UsageError(
    `the last turn of thread ${threadId} ("${question}") has no answer: finish it with \`${resume}\`, or pass --abandon to ask a new question and leave that turn unanswered`,
    { code: "unfinished_turn" },
  );
  markResumable({ error, thread: { id: threadId, resume } });
  throw error;
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
  yes,
  confirm,
}: {
  source: TopologySource;
  requested: string | undefined;
  thread: string | undefined;
  stderr: NodeJS.WritableStream;
  yes: boolean;
  confirm: ((question: string) => Promise<boolean>) | undefined;
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
    const chosen = await chooseBackend({ requested: explicit ?? "auto" });
    await confirmFallback({ chosen, yes, confirm, stderr });
    const { backend, reason } = chosen;
    stderr.write(`backend: ${backend} (${userMessage({ text: reason, stream: stderr })})\n`);
    source.backend = backend;
  } else stderr.write(`backend: ${source.backend} (kept from thread ${thread})\n`);
  const problem = modelProvider(source.backend!)?.presetProblem?.(process.env);
  if (problem) throw new UsageError(problem, { code: "backend_unusable" });
}

/**
 * `auto` passed over a backend the user set up explicitly (a mistyped or TLS-broken `OLLAMA_HOST`):
 * falling back quietly would download gigabytes the user never asked for. Say why it was passed over,
 * then go on only with `--yes` or a yes at the terminal; a script is refused with how to proceed.
 */
async function confirmFallback({
  chosen: { backend, passedOverConfigured = [] },
  yes,
  confirm,
  stderr,
}: {
  chosen: ChosenBackend;
  yes: boolean;
  confirm: ((question: string) => Promise<boolean>) | undefined;
  stderr: NodeJS.WritableStream;
}): Promise<void> {
  if (passedOverConfigured.length === 0) return;
  const why = passedOverConfigured.map((p) => `${p.setting} is set, but ${p.backend} cannot be used there: ${p.reason}`).join("; ");
  const downloads = modelProvider(backend)?.presets === "files" ? " (the preset's models are downloaded on first use)" : "";
  const instead = `--backend auto would run the preset with ${backend} instead${downloads}`;
  if (yes) {
    stderr.write(`warning: ${userMessage({ text: why, stream: stderr })}; running with ${backend} instead (--yes)\n`);
    return;
  }
  if (confirm) {
    stderr.write(`${userMessage({ text: why, stream: stderr })}\n`);
    if (await confirm(`Run the preset with ${backend} instead${downloads}? [y/N] `)) return;
  }
  const settings = [...new Set(passedOverConfigured.map((p) => p.setting))].join(" or ");
  throw new MoAError(
    `${why}; ${instead}, ${confirm ? "which was declined" : "which needs a yes"}. Fix ${settings} (or unset it), or choose the fallback with --backend ${backend} (or --yes)`,
    {
      code: "configured_backend_unusable",
      category: "environment",
      fix: `fix ${settings} (or unset it), or choose the fallback with --backend ${backend} (or --yes)`,
    },
  );
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
