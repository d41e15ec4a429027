import { redactCredentials } from "../../util/redactCredentials.js";
import { existsSync } from "node:fs";
import { UsageError } from "../../errors/UsageError.js";
import { stripTerminalControls } from "../../util/stripTerminalControls.js";
import { openRunStore } from "../../persistence/openRunStore.js";
import { readThreadValues } from "../../persistence/readThreadValues.js";
import type { RunStore, ThreadSummary, TopologySource } from "../../persistence/RunStore.js";
import { borderlessTable } from "../borderlessTable.js";
import { clipText, fitColumns } from "../fitColumns.js";
import { shortModelRef } from "../shortModelRef.js";
import { databaseArgs, resumeCommandFor } from "../resumeCommandFor.js";
import type { PersistenceOptions } from "../withRunStore.js";

/** Options of `moa threads`. */
export interface ThreadsCommandOptions extends Omit<PersistenceOptions, "persist"> {
  json?: boolean | undefined;
  stdout?: NodeJS.WritableStream;
}

/**
 * Where a thread stands: its last turn `answered`; `unfinished` (no answer: interrupted or failed, for `moa
 * resume`); `running` (a run holds it now); `empty` (recorded, but its run stopped before its first checkpoint);
 * `unreadable` (its checkpoints could not be read: a damaged database, or one written by a newer version).
 */
export type ThreadStatus = "answered" | "unfinished" | "running" | "empty" | "unreadable";

/** A thread as `moa threads --json` prints it. */
export interface ThreadListing {
  thread: string;
  status: ThreadStatus;
  /** The command that finishes an unfinished thread. */
  resume?: string;
  /** Who holds a running thread. */
  heldBy?: string;
  /** Why an `unreadable` thread's checkpoints could not be read. */
  problem?: string;
  source: TopologySource;
  title: string;
  createdAt: string;
  updatedAt: string;
}

const HEAD = ["thread", "updated", "status", "topology", "first question"];
const GAP = "  ";

/**
 * `moa threads`: the persisted conversations, newest first, each with its status; the database is only read.
 *
 * @example
 * await threadsCommand({ db: "runs.sqlite", json: true });
 */
export async function threadsCommand({ stdout = process.stdout, json = false, ...options }: ThreadsCommandOptions): Promise<void> {
  const store = await openRunStore({ ...options, readOnly: true });
  try {
    // The default database not existing yet just means no runs so far; a --db naming no file is likely a typo.
    if (options.db !== undefined && store.location.kind === "sqlite" && !existsSync(store.location.file))
      throw new UsageError(`no run database at ${store.location.file} (--db)`, {
        code: "database_file_not_found",
        fix: "check the path given with --db, or leave out --db for the default database",
      });
    const threads = await store.listThreads();
    const listed = await Promise.all(threads.map((t) => describeThread({ store, thread: t })));
    if (json) {
      stdout.write(`${JSON.stringify({ store: store.description, threads: listed }, null, 2)}\n`);
      return;
    }
    if (threads.length === 0) {
      stdout.write(`no threads in ${store.description}\n`);
      return;
    }
    // A shared database holds anyone's text (ids, paths, titles): no control sequence reaches the terminal
    // or breaks the columns.
    const cells = listed.map((t) => [
      stripTerminalControls(t.thread),
      t.updatedAt.replace("T", " ").slice(0, 16),
      t.status,
      stripTerminalControls(topologyLabel(t.source)),
      clipText(stripTerminalControls(t.title).replace(/\s+/g, " "), 60),
    ]);
    const rows = fitColumns({
      head: HEAD,
      rows: cells,
      overhead: GAP.length * (HEAD.length - 1),
      // Ids stay whole (they are what `moa resume` and `rm` take; a default id is a 36-character UUID), and so
      // do preset labels: topology files and questions give way.
      shrink: [
        { column: 3, min: 18, shorten: clipTopology },
        { column: 4, min: 20, shorten: clipText },
        { column: 4, min: 14, shorten: clipText },
        { column: 3, min: 12, shorten: clipTopology },
        { column: 4, min: 10, shorten: clipText },
      ],
    });
    // No borders and no rules between rows: one line per thread, ids easy to copy.
    stdout.write(`${borderlessTable({ head: [...HEAD], rows, gap: GAP })}\n`);
    const unfinished = listed.find((t) => t.status === "unfinished");
    if (unfinished) stdout.write(`unfinished: finish one with moa resume <thread>${databaseArgs({ store })}\n`);
  } finally {
    await store.close();
  }
}

async function describeThread({ store, thread }: { store: RunStore; thread: ThreadSummary }): Promise<ThreadListing> {
  const base = {
    thread: thread.threadId,
    source: thread.source,
    title: thread.title,
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
  };
  const heldBy = await store.threadHolder(thread.threadId);
  if (heldBy) return { ...base, status: "running", heldBy };
  let values: Awaited<ReturnType<typeof readThreadValues>>;
  try {
    values = await readThreadValues({ checkpointer: store.checkpointer, threadId: thread.threadId });
  } catch (error) {
    // A database opened read-only that has no checkpoint tables yet cannot have them created: no checkpoints.
    if ((error as { code?: unknown } | null)?.code === "SQLITE_READONLY") values = undefined;
    // One damaged thread must not hide the others: it is listed with what went wrong.
    else return { ...base, status: "unreadable", problem: redactCredentials(error instanceof Error ? error.message : String(error)) };
  }
  if (!values || values.messages.length === 0) return { ...base, status: "empty" };
  if (values.messages.at(-1)?.getType() !== "human") return { ...base, status: "answered" };
  return { ...base, status: "unfinished", resume: resumeCommandFor({ threadId: thread.threadId, store }) };
}

function topologyLabel(source: TopologySource): string {
  return source.file ?? (source.preset ? `preset ${source.preset}` : source.topology ? `topology ${source.topology}` : "preset moa-lite");
}

// A topology file's name is at the end of its path: that is what stays. A preset or kind is never cut.
function clipTopology(text: string, max: number): string {
  return /^(preset|topology) /.test(text) ? text : shortModelRef({ ref: text, max });
}
