import { AIMessage, HumanMessage, SystemMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { InternalError } from "../../errors/InternalError.js";
import type { MoAStreamEvent } from "../../nodes/callAgent.js";
import { REPLY_TAG } from "../../nodes/replyTag.js";
import { readThreadValues } from "../../persistence/readThreadValues.js";
import type { RunStore } from "../../persistence/RunStore.js";
import { buildRunReport, type RunReport } from "../../report/buildRunReport.js";
import type { MoAStateValue } from "../../state/moaState.js";
import type { ServedMixture } from "../mixtures/ServedMixture.js";
import type { ChatTurnMessage } from "../openai/requestSchemas.js";
import { mixtureGraph, type RequestSettings } from "./mixtureGraph.js";

/** What a turn streams: the reply's text as it is written, every agent's start and end, then the report. */
export type TurnEvent =
  { type: "reply_delta"; text: string } | { type: "agent"; event: MoAStreamEvent } | { type: "done"; report: RunReport };

/** A started turn: the thread is held until its events end (or `close()` for a turn never read). */
export interface Turn {
  threadId: string;
  events: AsyncGenerator<TurnEvent>;
  /** Releases the thread; for a turn whose events are not read to the end. */
  close(): Promise<void>;
}

/** Options of {@link startTurn}. */
export interface RunTurnOptions {
  mixture: ServedMixture;
  /** Where the turn is checkpointed; without one it runs in memory. */
  store: RunStore | undefined;
  threadId: string;
  /**
   * The conversation as the client sent it. On a new thread all of it is the input; on a thread with
   * history only the user messages after the last reply are new (clients resend the whole conversation).
   */
  messages: ChatTurnMessage[];
  settings?: RequestSettings | undefined;
  /** Cancels the run's model calls (a client that went away). */
  signal?: AbortSignal | undefined;
}

/**
 * Starts one turn of a served mixture on a thread; its events stream the run. The thread is held for the turn (a
 * second request on it meanwhile fails with `thread_busy`, as a second process writing it would fork
 * its history), recorded in the store's thread list, and checkpointed after every step, so a cancelled
 * or failed turn leaves every finished agent's answer saved.
 *
 * @example
 * const turn = await startTurn({ mixture, store, threadId, messages: [{ role: "user", content: "Hi" }] });
 * for await (const event of turn.events)
 *   if (event.type === "reply_delta") process.stdout.write(event.text);
 */
export async function startTurn({ mixture, store, threadId, messages, settings = {}, signal }: RunTurnOptions): Promise<Turn> {
  const lock = store ? await store.lockThread(threadId, { waitMs: 0, signal }) : undefined;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await lock?.release();
  };
  try {
    const history = store ? await readThreadValues({ checkpointer: store.checkpointer, threadId }) : undefined;
    const input = history && history.messages.length > 0 ? newUserMessages(messages) : messages;
    const title =
      messages
        .filter((m) => m.role === "user")
        .at(-1)
        ?.content.slice(0, 120) ?? "";
    if (store) {
      const known = await store.getThread(threadId);
      await store.recordThread({ threadId, source: { ...mixture.source }, title: known?.title ?? title });
    }
    const { graph, topology } = mixtureGraph({ mixture, settings, checkpointer: store?.checkpointer });
    const stop = lock ? AbortSignal.any([lock.lost, ...(signal ? [signal] : [])]) : signal;
    const events = async function* (): AsyncGenerator<TurnEvent> {
      try {
        yield* streamTurn({ graph, topology, threadId, input, stop, persisted: store !== undefined });
      } finally {
        await release();
      }
    };
    return { threadId, events: events(), close: release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function* streamTurn({
  graph,
  topology,
  threadId,
  input,
  stop,
  persisted,
}: {
  graph: ReturnType<typeof mixtureGraph>["graph"];
  topology: ReturnType<typeof mixtureGraph>["topology"];
  threadId: string;
  input: ChatTurnMessage[];
  stop: AbortSignal | undefined;
  persisted: boolean;
}): AsyncGenerator<TurnEvent> {
  const stream = await graph.stream(
    { messages: input.map(toLangChainMessage) },
    {
      streamMode: ["messages", "custom", "values"],
      configurable: { thread_id: threadId },
      durability: "sync",
      ...(stop ? { signal: stop } : {}),
    },
  );
  let finalState: MoAStateValue | undefined;
  let streamedReply = false;
  for await (const [mode, data] of stream) {
    if (mode === "values") finalState = data as MoAStateValue;
    else if (mode === "custom") yield { type: "agent", event: data as MoAStreamEvent };
    else if (mode === "messages") {
      const [chunk, metadata] = data as [AIMessageChunk, { tags?: string[] }];
      if (chunk.text && metadata.tags?.includes(REPLY_TAG)) {
        streamedReply = true;
        yield { type: "reply_delta", text: chunk.text };
      }
    }
  }
  if (!finalState) throw new InternalError("the run produced no state");
  const report = buildRunReport({ state: finalState, topology, ...(persisted ? { thread: threadId } : {}) });
  // A reply no model call streamed (a gate's pick, a fallback) arrives whole.
  if (!streamedReply && report.answer) yield { type: "reply_delta", text: report.answer };
  yield { type: "done", report };
}

/** The user messages after the conversation's last reply (or its last message, if that is a user one). */
function newUserMessages(messages: ChatTurnMessage[]): ChatTurnMessage[] {
  let start = messages.length;
  while (start > 0 && messages[start - 1]!.role === "user") start--;
  return messages.slice(start);
}

function toLangChainMessage({ role, content }: ChatTurnMessage): BaseMessage {
  if (role === "system") return new SystemMessage(content);
  if (role === "assistant") return new AIMessage(content);
  return new HumanMessage(content);
}

/**
 * A turn's whole reply and report, for a client that does not stream.
 *
 * @example
 * const { text, report } = await readTurn(turn.events);
 */
export async function readTurn(events: AsyncIterable<TurnEvent>): Promise<{ text: string; report: RunReport | undefined }> {
  let text = "";
  let report: RunReport | undefined;
  for await (const event of events) {
    if (event.type === "reply_delta") text += event.text;
    else if (event.type === "done") report = event.report;
  }
  return { text, report };
}
