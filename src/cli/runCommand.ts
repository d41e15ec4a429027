import { randomUUID } from "node:crypto";
import path from "node:path";
import { HumanMessage, type AIMessageChunk } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Command } from "@langchain/langgraph";
import type { TopologyPlan } from "../graphs/planTopology.js";
import { BackendUnavailableError, checkBackends } from "../models/checkBackends.js";
import type { MoAStreamEvent } from "../nodes/callAgent.js";
import { openRunStore } from "../persistence/openRunStore.js";
import { prepareResume } from "../persistence/prepareResume.js";
import type { RunStore, TopologySource } from "../persistence/RunStore.js";
import { latestTurnAnswers, type MoAStateValue } from "../state/moaState.js";
import { summarizeCost } from "../report/summarizeCost.js";
import { summarizeRun } from "../report/summarizeRun.js";
import { renderAnswerBlock, renderDecisions, renderSummaryTable } from "./render.js";
import { chooseBackend, type BackendChoice } from "../models/chooseBackend.js";
import { prepareModels } from "./prepareModels.js";
import { resolvePlan } from "./resolvePlan.js";
import { RunInterruptedError } from "../errors/RunInterruptedError.js";
import { UsageError } from "../errors/UsageError.js";

export { RunInterruptedError };

/** Where and whether runs persist. */
export interface PersistenceOptions {
  /** SQLite file (default: the per-user data folder); ignored with `checkpointer`. */
  db?: string;
  /** `postgres://...` connection string. */
  checkpointer?: string;
  /** False keeps the run in memory only. */
  persist?: boolean;
}

/** How a run is checked, shown and cancelled (shared by `moa run` and `moa resume`). */
export interface RunOutputOptions {
  showLayers?: boolean;
  json?: boolean;
  check?: boolean;
  /** Pull missing Ollama models before the run (with a progress bar per model). */
  pull?: boolean;
  /** Aborts the run (the CLI wires it to SIGINT). */
  signal?: AbortSignal;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Options of `moa run`. */
export interface RunCommandOptions extends PersistenceOptions, RunOutputOptions {
  question: string;
  config?: string;
  preset?: string;
  /** A topology kind (`moa`, `self-moa`, `coe`, `mosaic`): its default preset, or a check of the config's kind. */
  topology?: string;
  /** Continue this conversation (a new thread id is made when absent). */
  thread?: string;
  /** Where a preset's models run; `auto` (default) uses Ollama when it answers, else llama.cpp in-process. */
  backend?: BackendChoice;
  /** Caps every agent's generated tokens. */
  maxTokens?: number;
}

/**
 * `moa run`: answers one question with a topology, streaming the final answer to stdout and the
 * per-agent summary to stderr (so `moa run ... > answer.txt` keeps only the answer). Every run is
 * checkpointed on a thread, which `--thread` continues and `moa resume` finishes after a crash.
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
    const explicitBackend = options.backend !== undefined && options.backend !== "auto" ? options.backend : undefined;
    if (source.file !== undefined) {
      if (explicitBackend) throw new UsageError(`--backend chooses the models of a preset; the config file ${source.file} names its own models`);
    } else if (explicitBackend || source.backend === undefined) {
      const { backend, reason } = await chooseBackend({ requested: explicitBackend ?? "auto" });
      stderr.write(`backend: ${backend} (${reason})\n`);
      source.backend = backend;
    } else stderr.write(`backend: ${source.backend} (kept from thread ${thread})\n`);
    if (source.backend === "openai" && !process.env.OPENAI_BASE_URL) {
      throw new UsageError("--backend openai runs the preset's model names (e.g. qwen2.5:1.5b) on an OpenAI-compatible server: set OPENAI_BASE_URL to one that serves them (Ollama's http://127.0.0.1:11434/v1, vLLM, LM Studio)");
    }
    if (options.pull && source.backend !== undefined && source.backend !== "ollama") {
      stderr.write(`note: --pull applies to Ollama models; ${source.backend === "llamacpp" ? "in-process models are downloaded on first use anyway" : "ignored"}\n`);
    }
    const threadId = thread ?? randomUUID();
    const plan = resolvePlan(planOptions(source));
    await prepareModels({ plan, pull: options.pull === true, stderr, ...(options.signal ? { signal: options.signal } : {}) });
    if (options.check !== false) await ensureBackends(plan, stderr);
    await store?.recordThread({ threadId, source, title: known?.title ?? question.slice(0, 120) });
    await streamRun({ ...options, plan, store, threadId, input: { messages: [new HumanMessage(question)] } });
  });
}

/** Options of `moa resume`. */
export interface ResumeCommandOptions extends PersistenceOptions, RunOutputOptions {
  thread: string;
}

/**
 * `moa resume <thread>`: continues a run that stopped (crash, kill, Ctrl-C) from its last checkpoint.
 * Agents whose answers were saved are not called again.
 */
export async function resumeCommand(options: ResumeCommandOptions): Promise<void> {
  await withRunStore({ ...options, persist: true }, async (store) => {
    const known = await store!.getThread(options.thread);
    if (!known) throw new UsageError(`no thread "${options.thread}" in ${store!.description}; see \`moa threads\``);
    const plan = resolvePlan(planOptions(known.source));
    if (known.source.backend !== undefined) (options.stderr ?? process.stderr).write(`backend: ${known.source.backend} (kept from thread ${options.thread})\n`);
    const graph = plan.graph.compile({ checkpointer: store!.checkpointer });
    const resume = await prepareResume(graph, { configurable: { thread_id: options.thread } });
    if (resume.kind === "finished") {
      throw new UsageError(`thread "${options.thread}" has nothing to resume: its last run finished (continue it with \`moa run "..." --thread ${options.thread}\`)`);
    }
    const stderr = options.stderr ?? process.stderr;
    await prepareModels({ plan, pull: options.pull === true, stderr, ...(options.signal ? { signal: options.signal } : {}) });
    if (options.check !== false) await ensureBackends(plan, stderr);
    if (resume.kind === "continue") stderr.write(`resuming thread ${options.thread} at ${resume.next.join(", ")}\n`);
    else {
      const kept = resume.kept.length > 0 ? `; keeping the saved answers of ${resume.kept.join(", ")}` : "";
      stderr.write(`resuming thread ${options.thread}: the last attempt failed (${firstLine(resume.reason)}); calling ${resume.retried.join(", ")} of layer ${resume.layer} again${kept}\n`);
    }
    await streamRun({ ...options, plan, store, threadId: options.thread, input: resume.input, runConfig: resume.config });
  });
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0]!.replace(/:$/, "");
}

async function withRunStore(options: PersistenceOptions, body: (store: RunStore | undefined) => Promise<void>): Promise<void> {
  const store = options.persist === false ? undefined : await openRunStore({ ...(options.db !== undefined ? { db: options.db } : {}), ...(options.checkpointer !== undefined ? { checkpointer: options.checkpointer } : {}) });
  try {
    await body(store);
  } finally {
    await store?.close();
  }
}

function sourceOf({ config, preset, topology }: { config?: string | undefined; preset?: string | undefined; topology?: string | undefined }): TopologySource {
  return { ...(config !== undefined ? { file: path.resolve(config) } : {}), ...(preset !== undefined ? { preset } : {}), ...(topology !== undefined ? { topology } : {}) };
}

function planOptions(source: TopologySource) {
  return { ...(source.file !== undefined ? { config: source.file } : {}), ...(source.preset !== undefined ? { preset: source.preset } : {}), ...(source.topology !== undefined ? { topology: source.topology } : {}), ...(source.backend !== undefined ? { backend: source.backend } : {}), ...(source.maxTokens !== undefined ? { maxTokens: source.maxTokens } : {}) };
}

interface StreamRunOptions {
  plan: TopologyPlan;
  store: RunStore | undefined;
  threadId: string;
  input: { messages: HumanMessage[] } | Command | null;
  /** Where in the thread to run (a resumed run may start from an earlier checkpoint). */
  runConfig?: RunnableConfig;
  showLayers?: boolean;
  json?: boolean;
  signal?: AbortSignal;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  question?: string;
}

async function streamRun({ plan, store, threadId, input, runConfig, showLayers = false, json = false, signal, stdout = process.stdout, stderr = process.stderr, question }: StreamRunOptions): Promise<void> {
  const graph = plan.graph.compile({ name: plan.name, ...(store ? { checkpointer: store.checkpointer } : {}) });
  let streamedAnswer = false;
  let finalState: MoAStateValue | undefined;
  const printedDecisions = new Set<string>();
  const resumeHint = store ? `Resume with: moa resume ${threadId}${store.description.startsWith("sqlite") ? "" : " --checkpointer <same>"}` : undefined;
  try {
    const stream = await graph.stream(input, {
      streamMode: ["messages", "custom", "values"],
      configurable: { ...runConfig?.configurable, thread_id: threadId },
      // Every finished agent's answer is on disk before the next step: a crash costs no paid call.
      durability: "sync",
      ...(signal ? { signal } : {}),
    });
    for await (const [mode, data] of stream) {
      if (mode === "values") finalState = data as MoAStateValue;
      if (json) continue;
      if (mode === "messages") {
        const [chunk, metadata] = data as [AIMessageChunk, { langgraph_node?: string }];
        const node = metadata.langgraph_node ?? "";
        if (chunk.text && plan.isAnswerNode(node, finalState)) {
          if (!streamedAnswer && showLayers) stdout.write(`── answer (${node})\n`);
          stdout.write(chunk.text);
          streamedAnswer = true;
        }
      } else if (mode === "custom") {
        const event = data as MoAStreamEvent;
        if (event.event === "aggregator_fallback") stderr.write(`warning: the aggregator failed (${event.reason}); answering with ${event.from}'s answer\n`);
        else if (showLayers && event.event === "agent_end" && !plan.isAnswerNode(event.nodeId, finalState)) stdout.write(`${renderAnswerBlock(event)}\n`);
      } else if (mode === "values" && showLayers) {
        const decisions = renderDecisions(data as MoAStateValue, printedDecisions);
        if (decisions) stdout.write(decisions);
      }
    }
  } catch (error) {
    // A half-streamed answer must not pass for a whole one.
    if (streamedAnswer) {
      stdout.write("\n");
      stderr.write("moa: the answer above is incomplete\n");
    }
    if (signal?.aborted) throw new RunInterruptedError(undefined, resumeHint);
    if (resumeHint && error instanceof Error) error.message += `\n${resumeHint}`;
    throw error;
  }
  if (!finalState) throw new Error("the run produced no state");
  const summary = summarizeRun(finalState);
  if (json) {
    const answers = latestTurnAnswers(finalState.answers);
    const document = {
      topology: plan.name,
      kind: plan.kind,
      thread: threadId,
      question: question ?? finalState.messages.filter((m) => m.getType() === "human").at(-1)?.text,
      answer: summary.answer,
      answers,
      ...(finalState.routes.length > 0 ? { route: finalState.routes.at(-1) } : {}),
      ...(finalState.gates.length > 0 ? { gate: finalState.gates.at(-1) } : {}),
      totals: summary.totals,
      cost: summarizeCost(finalState),
    };
    stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  // A model that does not stream still gets its answer printed.
  if (!streamedAnswer && summary.answer) stdout.write(summary.answer);
  stdout.write("\n");
  stderr.write(`\n${renderSummaryTable(summary, { color: Boolean((stderr as NodeJS.WriteStream).isTTY), cost: summarizeCost(finalState) })}`);
  if (store) stderr.write(`thread ${threadId} (${store.description}); continue with --thread ${threadId}\n`);
}

async function ensureBackends(plan: TopologyPlan, stderr: NodeJS.WritableStream): Promise<void> {
  const { problems, runnable } = await checkBackends(plan);
  if (!runnable) throw new BackendUnavailableError(problems);
  for (const problem of problems) {
    stderr.write(`warning: ${problem.backend} ${problem.target}: ${problem.reason}; ${problem.agents.join(", ")} will fail and be left out (fix: ${problem.fix})\n`);
  }
}
