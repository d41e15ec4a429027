import { threadNotFound } from "../threadNotFound.js";
import { openRunStore } from "../../persistence/openRunStore.js";
import { readThreadValues } from "../../persistence/readThreadValues.js";
import { jsonAnswers } from "../jsonAnswers.js";
import { shortModelRef } from "../shortModelRef.js";
import { formatSeconds } from "../render.js";
import { untrustedText } from "../terminalText.js";
import type { PersistenceOptions } from "../withRunStore.js";

/** Options of `moa show`. */
export interface ShowCommandOptions extends Omit<PersistenceOptions, "persist"> {
  thread: string;
  json?: boolean;
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa show <thread>`: every turn of a thread with each layer's answers, from its last checkpoint.
 *
 * @example
 * await showCommand({ thread: "3f2a...", json: true });
 */
export async function showCommand({ thread, json = false, stdout = process.stdout, ...options }: ShowCommandOptions): Promise<void> {
  const store = await openRunStore({ ...options, readOnly: true });
  // Every line holds stored model or server text.
  const write = (text: string) => stdout.write(untrustedText({ text, stream: stdout }));
  try {
    const values = await readThreadValues({ checkpointer: store.checkpointer, threadId: thread });
    if (!values) throw threadNotFound({ thread, store: store });
    const { messages, answers } = values;
    if (json) {
      stdout.write(
        `${JSON.stringify({ thread, messages: messages.map((m) => ({ type: m.getType(), content: m.text })), answers: jsonAnswers(answers) }, null, 2)}\n`,
      );
      return;
    }
    let turn = 0;
    for (const message of messages) {
      if (message.getType() === "human") {
        turn++;
        write(`\n══ turn ${turn}: ${message.text}\n`);
        const ofTurn = answers
          .filter((a) => a.turn === turn && a.role !== "final")
          .sort((a, b) => a.layer - b.layer || a.agentIndex - b.agentIndex);
        for (const a of ofTurn) {
          const status = a.error !== undefined ? `failed: ${a.error}` : `${a.usage?.outputTokens ?? "?"} tokens`;
          write(
            `── layer ${a.layer} · ${a.agent} · ${a.role} (${shortModelRef({ ref: a.model })}) · ${formatSeconds(a.latencyMs)} · ${status}\n`,
          );
          if (a.content) write(`${a.content.trim()}\n`);
        }
      } else if (message.getType() === "ai") {
        write(`── answer\n${message.text.trim()}\n`);
      }
    }
    const pending = answers.length > 0 && messages.at(-1)?.getType() === "human";
    if (pending) write(`\n(the last turn has no answer yet: moa resume ${thread})\n`);
  } finally {
    await store.close();
  }
}
