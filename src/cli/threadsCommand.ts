import Table from "cli-table3";
import type { BaseMessage } from "@langchain/core/messages";
import { openRunStore } from "../persistence/openRunStore.js";
import type { AgentAnswer } from "../state/moaState.js";
import { formatSeconds } from "./render.js";
import type { PersistenceOptions } from "./runCommand.js";
import { UsageError } from "../errors/UsageError.js";

/** `moa threads`: the persisted conversations, newest first. */
export async function threadsCommand({ stdout = process.stdout, ...options }: PersistenceOptions & { stdout?: NodeJS.WritableStream }): Promise<void> {
  const store = await openRunStore(options);
  try {
    const threads = await store.listThreads();
    if (threads.length === 0) {
      stdout.write(`no threads in ${store.description}\n`);
      return;
    }
    const table = new Table({ head: ["thread", "updated", "topology", "first question"], style: { head: [], border: [] } });
    for (const t of threads) {
      const source = t.source.file ?? (t.source.preset ? `preset ${t.source.preset}` : t.source.topology ? `topology ${t.source.topology}` : "preset moa-lite");
      table.push([t.threadId, t.updatedAt.replace("T", " ").slice(0, 19), source, t.title.length > 60 ? `${t.title.slice(0, 59)}…` : t.title]);
    }
    stdout.write(`${table.toString()}\n`);
  } finally {
    await store.close();
  }
}

/** `moa show <thread>`: every turn of a thread with each layer's answers, from its last checkpoint. */
export async function showCommand({ thread, json = false, stdout = process.stdout, ...options }: PersistenceOptions & { thread: string; json?: boolean; stdout?: NodeJS.WritableStream }): Promise<void> {
  const store = await openRunStore(options);
  try {
    const tuple = await store.checkpointer.getTuple({ configurable: { thread_id: thread } });
    if (!tuple) throw new UsageError(`no thread "${thread}" in ${store.description}; see \`moa threads\``);
    const values = tuple.checkpoint.channel_values as { messages?: BaseMessage[]; answers?: AgentAnswer[] };
    const messages = values.messages ?? [];
    const answers = values.answers ?? [];
    if (json) {
      stdout.write(`${JSON.stringify({ thread, messages: messages.map((m) => ({ type: m.getType(), content: m.text })), answers }, null, 2)}\n`);
      return;
    }
    let turn = 0;
    for (const message of messages) {
      if (message.getType() === "human") {
        turn++;
        stdout.write(`\n══ turn ${turn}: ${message.text}\n`);
        const ofTurn = answers.filter((a) => a.turn === turn && a.role !== "final").sort((a, b) => a.layer - b.layer || a.agentIndex - b.agentIndex);
        for (const a of ofTurn) {
          const status = a.error !== undefined ? `failed: ${a.error}` : `${a.usage?.outputTokens ?? "?"} tokens`;
          stdout.write(`── layer ${a.layer} · ${a.agent} (${a.model}) · ${formatSeconds(a.latencyMs)} · ${status}\n`);
          if (a.content) stdout.write(`${a.content.trim()}\n`);
        }
      } else if (message.getType() === "ai") {
        stdout.write(`── answer\n${message.text.trim()}\n`);
      }
    }
    const pending = answers.length > 0 && messages.at(-1)?.getType() === "human";
    if (pending) stdout.write(`\n(the last turn has no answer yet: moa resume ${thread})\n`);
  } finally {
    await store.close();
  }
}
