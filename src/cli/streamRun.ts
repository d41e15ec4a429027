import { resumeCommandFor } from "./resumeCommandFor.js";
import type { AIMessageChunk } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { Command } from "@langchain/langgraph";
import type { HumanMessage } from "@langchain/core/messages";
import { isMoAError } from "../errors/MoAError.js";
import { InternalError } from "../errors/InternalError.js";
import { RunInterruptedError } from "../errors/RunInterruptedError.js";
import type { TopologyGraph } from "../graphs/topologyGraph.js";
import type { ResolvedTopology } from "../graphs/resolvedTopology.js";
import type { MoAStreamEvent } from "../nodes/callAgent.js";
import { REPLY_TAG } from "../nodes/replyTag.js";
import type { RunStore } from "../persistence/RunStore.js";
import { buildRunReport } from "../report/buildRunReport.js";
import type { MoAStateValue } from "../state/moaState.js";
import { createTerminalSanitizer } from "../util/stripTerminalControls.js";
import { closedOutputs } from "./closedOutput.js";
import { jsonAnswers } from "./jsonAnswers.js";
import { createRunStatus } from "./progress/createRunStatus.js";
import { markResumable } from "./resumableThread.js";
import { renderAnswerBlock, renderDecisions, renderSummaryTable, type StageLabel } from "./render.js";
import { isTerminal, untrustedText, userMessage } from "./terminalText.js";

/** How a run is shown: the reply on stdout, everything else on stderr (or one JSON document). */
export interface RunOutputOptions {
  showLayers?: boolean | undefined;
  json?: boolean | undefined;
  /**
   * No run status on stderr: without it, a terminal shows which agents are running, answered or failed
   * (redrawn in place) and a log gets one line per agent started and ended. `json` leaves it on.
   */
  quiet?: boolean | undefined;
  /** Aborts the run (the CLI wires it to SIGINT). */
  signal?: AbortSignal | undefined;
  stdout?: NodeJS.WritableStream | undefined;
  stderr?: NodeJS.WritableStream | undefined;
}

/** Options of {@link streamRun}. */
export interface StreamRunOptions extends RunOutputOptions {
  topology: ResolvedTopology;
  graph: TopologyGraph;
  store: RunStore | undefined;
  threadId: string;
  input: { messages: HumanMessage[] } | Command | null;
  /** Where in the thread to run (a resumed run may start from an earlier checkpoint). */
  runConfig?: RunnableConfig | undefined;
}

/**
 * Runs a topology on a thread, streaming the reply's tokens (the model call tagged as the reply) to
 * stdout, with `showLayers` every agent's answer and every routing and gate decision, then the
 * per-agent table and cost on stderr, or, with `json`, one report document on stdout. Unless `quiet`,
 * the run's status goes to stderr while it runs (see {@link createRunStatus}).
 *
 * @example
 * await streamRun({ topology, graph, store, threadId, input: { messages: [new HumanMessage("Hi")] } });
 */
export async function streamRun({
  topology,
  graph,
  store,
  threadId,
  input,
  runConfig,
  showLayers = false,
  json = false,
  quiet = false,
  signal,
  stdout = process.stdout,
  stderr = process.stderr,
}: StreamRunOptions): Promise<void> {
  const compiled = graph.compile({ name: topology.name, ...(store ? { checkpointer: store.checkpointer } : {}) });
  let streamedAnswer = false;
  let finalState: MoAStateValue | undefined;
  const printedDecisions = new Set<string>();
  // Model text reaches a terminal without its control sequences, which may be split across tokens.
  const answerText = isTerminal(stdout) ? createTerminalSanitizer() : undefined;
  const shown = (text: string) => untrustedText({ text, stream: stdout });
  const status = quiet ? undefined : createRunStatus({ stream: stderr as NodeJS.WriteStream, title: topology.name });
  // The status shares the screen with stdout only when both are terminals: it then steps aside for
  // every block written there, and for good once the reply streams (the run's last step).
  const sharesScreen = isTerminal(stdout) && isTerminal(stderr);
  const toStdout = (text: string) => {
    if (sharesScreen) status?.hide();
    stdout.write(text);
  };
  // Stage experts by node id, naming the stage in the titles of its calls' answers.
  const stages = new Map<string, StageLabel>();
  // A reply no model call streams (the gate's pick) waits for the state its node wrote, so that the
  // decision behind it is printed first.
  let heldReply: { node: string; text: string } | undefined;
  let replyCallStarted = false;
  // Status lines wait while the reply streams: stdout and stderr often end up in one log, and a line
  // there must not split the answer.
  const heldEvents: MoAStreamEvent[] = [];
  const releaseStatus = (options?: { cancelled: boolean }) => {
    for (const event of heldEvents.splice(0)) status?.update(event);
    status?.end(options);
  };
  const printReply = (node: string, text: string) => {
    if (sharesScreen) status?.end();
    if (!streamedAnswer && showLayers) toStdout(`── answer (${node})\n`);
    toStdout(answerText ? answerText.write(text) : text);
    streamedAnswer = true;
  };
  const resumeCommand = store ? resumeCommandFor({ threadId, store }) : undefined;
  const resumeHint = resumeCommand ? `Resume with: ${resumeCommand}` : undefined;
  try {
    const stream = await compiled.stream(input, {
      streamMode: ["messages", "custom", "values"],
      configurable: { ...runConfig?.configurable, thread_id: threadId },
      // Every finished agent's answer is on disk before the next step: a crash costs no paid call.
      durability: "sync",
      ...(signal ? { signal } : {}),
    });
    for await (const [mode, data] of stream) {
      if (mode === "values") finalState = data as MoAStateValue;
      if (mode === "custom") {
        if (streamedAnswer) heldEvents.push(data as MoAStreamEvent);
        else status?.update(data as MoAStreamEvent);
      }
      if (json) continue;
      if (mode === "messages") {
        const [chunk, metadata] = data as [AIMessageChunk, { tags?: string[]; langgraph_node?: string }];
        const { text } = chunk;
        if (text && metadata.tags?.includes(REPLY_TAG)) {
          const node = metadata.langgraph_node ?? "reply";
          if (showLayers && !streamedAnswer && !replyCallStarted) heldReply = { node, text };
          else printReply(node, text);
        }
      } else if (mode === "custom") {
        const event = data as MoAStreamEvent;
        if (event.event === "agent_start" && event.stage === undefined)
          stages.set(event.nodeId, { layer: event.layer, agent: event.agent });
        if (event.event === "agent_start" && event.reply) replyCallStarted = true;
        if (event.event === "aggregator_fallback") {
          status?.hide();
          stderr.write(
            `warning: ${userMessage({ text: `the aggregator failed (${event.reason}); answering with ${event.from}'s answer`, stream: stderr })}\n`,
          );
        } else if (showLayers && event.event === "agent_end" && !event.reply) {
          const stage = event.stage === undefined ? undefined : stages.get(event.stage);
          toStdout(`${shown(renderAnswerBlock(event, { stage }))}\n`);
        }
      } else if (mode === "values" && showLayers) {
        const decisions = renderDecisions(data as MoAStateValue, printedDecisions);
        if (decisions) toStdout(shown(decisions));
        if (heldReply) printReply(heldReply.node, heldReply.text);
        heldReply = undefined;
      }
    }
    if (heldReply) printReply(heldReply.node, heldReply.text);
  } catch (error) {
    const outputClosed = closedOutputs().includes("stdout");
    // A half-streamed answer must not pass for a whole one (unless nobody reads it any more).
    if (streamedAnswer && !outputClosed) {
      stdout.write(`${answerText?.end() ?? ""}\n`);
      releaseStatus({ cancelled: true });
      stderr.write("moa: the answer above is incomplete\n");
    }
    releaseStatus({ cancelled: true });
    // A run stopped for a reason of its own (the thread's lock was lost) says that reason, not "interrupted".
    const interrupted = signal?.aborted === true && !isMoAError(signal.reason);
    const thrown = interrupted
      ? new RunInterruptedError(outputClosed ? "the output was closed, so the run stopped" : undefined, resumeHint)
      : signal?.aborted
        ? (signal.reason as Error)
        : error;
    if (resumeCommand) {
      // An interruption carries the hint in its own words (and fix); other failures get it appended.
      if (!interrupted && thrown instanceof Error) thrown.message += `\n${resumeHint}`;
      markResumable({ error: thrown, thread: { id: threadId, resume: resumeCommand } });
    }
    throw thrown;
  }
  // Nothing is held unless the reply streamed: the status leaves the screen before anything else is printed.
  if (!streamedAnswer) releaseStatus();
  if (!finalState) throw new InternalError("the run produced no state");
  const report = buildRunReport({ state: finalState, topology, thread: store ? threadId : undefined });
  if (json) {
    const { rows: _rows, ...document } = report;
    stdout.write(`${JSON.stringify({ ...document, answers: jsonAnswers(document.answers) }, null, 2)}\n`);
    return;
  }
  // A reply that did not stream (a gate's pick, a fallback, a model without streaming) is printed whole.
  if (!streamedAnswer && report.answer) {
    if (showLayers) stdout.write(`── answer (${report.gate?.skipped ? "gate" : "reply"})\n`);
    stdout.write(shown(report.answer));
  }
  stdout.write(`${answerText?.end() ?? ""}\n`);
  releaseStatus();
  stderr.write(`\n${renderSummaryTable(report, { color: isTerminal(stderr) && !process.env.NO_COLOR })}`);
  if (store) stderr.write(`thread ${threadId} (${store.description}); continue with --thread ${threadId}\n`);
}
