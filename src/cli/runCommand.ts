import { HumanMessage, type AIMessageChunk } from "@langchain/core/messages";
import type { TopologyPlan } from "../graphs/planTopology.js";
import { BackendUnavailableError, checkBackends } from "../models/checkBackends.js";
import type { MoAStreamEvent } from "../nodes/callAgent.js";
import { latestTurnAnswers, type MoAStateValue } from "../state/moaState.js";
import { summarizeCost } from "../state/summarizeCost.js";
import { summarizeRun } from "../state/summarizeRun.js";
import { renderAnswerBlock, renderDecisions, renderSummaryTable } from "./render.js";
import { resolvePlan } from "./resolvePlan.js";

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
  /** A topology kind (`moa`, `self-moa`, `coe`, `mosaic`): its default preset, or a check of the config's kind. */
  topology?: string;
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
  topology,
  showLayers = false,
  json = false,
  check = true,
  signal,
  stdout = process.stdout,
  stderr = process.stderr,
}: RunCommandOptions): Promise<void> {
  const plan = resolvePlan({ ...(config !== undefined ? { config } : {}), ...(preset !== undefined ? { preset } : {}), ...(topology !== undefined ? { topology } : {}) });
  if (check) await ensureBackends(plan, stderr);
  const graph = plan.graph.compile({ name: plan.name });

  let streamedAnswer = false;
  let finalState: MoAStateValue | undefined;
  const printedDecisions = new Set<string>();
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
        const node = metadata.langgraph_node ?? "";
        if (chunk.text && plan.isAnswerNode(node, finalState)) {
          if (!streamedAnswer && showLayers) stdout.write(`── answer (${node})\n`);
          stdout.write(chunk.text);
          streamedAnswer = true;
        }
      } else if (mode === "custom" && showLayers) {
        const event = data as MoAStreamEvent;
        if (event.event === "agent_end" && !plan.isAnswerNode(event.nodeId, finalState)) stdout.write(`${renderAnswerBlock(event)}\n`);
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
    if (signal?.aborted) throw new RunInterruptedError();
    throw error;
  }
  if (!finalState) throw new Error("the run produced no state");
  const summary = summarizeRun(finalState);
  if (json) {
    const answers = latestTurnAnswers(finalState.answers);
    const document = {
      topology: plan.name,
      kind: plan.kind,
      question,
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
}

async function ensureBackends(plan: TopologyPlan, stderr: NodeJS.WritableStream): Promise<void> {
  const { problems, runnable } = await checkBackends(plan);
  if (!runnable) throw new BackendUnavailableError(problems);
  for (const problem of problems) {
    stderr.write(`warning: ${problem.backend} ${problem.target}: ${problem.reason}; ${problem.agents.join(", ")} will fail and be left out (fix: ${problem.fix})\n`);
  }
}
