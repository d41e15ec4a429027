import Table from "cli-table3";
import { stripTerminalControls } from "../../util/stripTerminalControls.js";
import { openRunStore } from "../../persistence/openRunStore.js";
import type { PersistenceOptions } from "../withRunStore.js";

/** Options of `moa threads`. */
export interface ThreadsCommandOptions extends Omit<PersistenceOptions, "persist"> {
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa threads`: the persisted conversations, newest first.
 *
 * @example
 * await threadsCommand({ db: "runs.sqlite" });
 */
export async function threadsCommand({ stdout = process.stdout, ...options }: ThreadsCommandOptions): Promise<void> {
  const store = await openRunStore({ ...options, readOnly: true });
  try {
    const threads = await store.listThreads();
    if (threads.length === 0) {
      stdout.write(`no threads in ${store.description}\n`);
      return;
    }
    const table = new Table({ head: ["thread", "updated", "topology", "first question"], style: { head: [], border: [] } });
    for (const t of threads) {
      const source =
        t.source.file ??
        (t.source.preset ? `preset ${t.source.preset}` : t.source.topology ? `topology ${t.source.topology}` : "preset moa-lite");
      // A shared database holds anyone's text (ids, paths, titles): no control sequence reaches the terminal
      // or breaks the columns.
      table.push([
        stripTerminalControls(t.threadId),
        t.updatedAt.replace("T", " ").slice(0, 19),
        stripTerminalControls(source),
        clip(stripTerminalControls(t.title)),
      ]);
    }
    stdout.write(`${table.toString()}\n`);
  } finally {
    await store.close();
  }
}

function clip(title: string): string {
  return title.length > 60 ? `${title.slice(0, 59)}…` : title;
}
