import { HumanMessage, type AIMessageChunk } from "@langchain/core/messages";
import { loadConfig } from "../config/loadConfig.js";
import type { ResolvedTopology } from "../config/ensureConfig.js";
import { buildMoAGraph } from "../graphs/buildMoAGraph.js";
import { BackendUnavailableError, checkBackends } from "../models/checkBackends.js";
import type { MoAStreamEvent } from "../nodes/callAgent.js";
import { latestTurnAnswers, type MoAStateValue } from "../state/moaState.js";
import { summarizeRun } from "../state/summarizeRun.js";
import { renderAnswerBlock, renderSummaryTable } from "./render.js";

/** Raised when the user interrupts a run (Ctrl-C); the CLI exits 130. */
export class RunInterruptedError extends Error {
  constructor() {
    super("interrupted; in-flight model calls were cancelled");
    this.name = "RunInterruptedError";
  }
}

/** Options of `moa run`. */
export interface RunCommandOptions {
  question: string;
  config?: string;
  preset?: string;
  showLayers?: boolean;
  json?: boolean;
  check?: boolean;
  /** Aborts the run (the CLI wires it to SIGINT). */
  signal?: AbortSignal;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/**
 * `moa run`: answers one question with an MoA topology, streaming the final answer to stdout and
 * the per-agent summary to stderr (so `moa run ... > answer.txt` keeps only the answer).
 */
export async function runCommand({
  question,
  config,
  preset,
  showLayers = false,
  json = false,
  check = true,
  signal,
  stdout = process.stdout,
  stderr = process.stderr,
}: RunCommandOptions): Promise<void> {
  const topology = loadConfig({ ...(config !== undefined ? { file: config } : {}), ...(preset !== undefined ? { preset } : {}) });
  if (check) await ensureBackends(topology, stderr);
  const graph = buildMoAGraph({ config: topology }).compile({ name: topology.name });

  let streamedAnswer = false;
  let finalState: MoAStateValue | undefined;
  try {
    const stream = await graph.stream(
      { messages: [new HumanMessage(question)] },
      { streamMode: ["messages", "custom", "values"], ...(signal ? { signal } : {}) },
    );
    for await (const [mode, data] of stream) {
      if (mode === "values") finalState = data as MoAStateValue;
      if (json) continue;
      if (mode === "messages") {
        const [chunk, metadata] = data as [AIMessageChunk, { langgraph_node?: string }];
        if (metadata.langgraph_node === topology.aggregator.id && chunk.text) {
          if (!streamedAnswer && showLayers) stdout.write(`── answer (${topology.aggregator.name}, ${topology.aggregator.modelLabel})\n`);
          stdout.write(chunk.text);
          streamedAnswer = true;
        }
      } else if (mode === "custom" && showLayers) {
        const event = data as MoAStreamEvent;
        if (event.event === "agent_end" && event.role !== "final") stdout.write(`${renderAnswerBlock(event)}\n`);
      }
    }
  } catch (error) {
    // A half-streamed answer must not pass for a whole one.
    if (streamedAnswer) {
      stdout.write("\n");
      stderr.write("moa: the answer above is incomplete\n");
    }
    if (signal?.aborted) throw new RunInterruptedError();
    throw error;
  }
  if (!finalState) throw new Error("the run produced no state");
  const summary = summarizeRun(finalState);
  if (json) {
    const answers = latestTurnAnswers(finalState.answers);
    stdout.write(`${JSON.stringify({ topology: topology.name, question, answer: summary.answer, answers, totals: summary.totals }, null, 2)}\n`);
    return;
  }
  // A model that does not stream still gets its answer printed.
  if (!streamedAnswer && summary.answer) stdout.write(summary.answer);
  stdout.write("\n");
  stderr.write(`\n${renderSummaryTable(summary, { color: Boolean((stderr as NodeJS.WriteStream).isTTY) })}`);
}

async function ensureBackends(topology: ResolvedTopology, stderr: NodeJS.WritableStream): Promise<void> {
  const { problems, runnable } = await checkBackends(topology);
  if (!runnable) throw new BackendUnavailableError(problems);
  for (const problem of problems) {
    stderr.write(`warning: ${problem.backend} ${problem.target}: ${problem.reason}; ${problem.agents.join(", ")} will fail and be left out (fix: ${problem.fix})\n`);
  }
}
