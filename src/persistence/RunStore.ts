import type { BaseCheckpointSaver } from "@langchain/langgraph";

/** How a thread's topology was chosen, so `moa resume` and `--thread` rebuild the same graph. */
export interface TopologySource {
  /** Absolute path of a topology file. */
  file?: string;
  preset?: string;
  topology?: string;
  /** Where a preset's models ran (`ollama`, `llamacpp`, `openai`), so a resumed run uses the same ones. */
  backend?: string;
  /** `--max-tokens`, kept so a resumed run generates as the first attempt did. */
  maxTokens?: number;
}

/** A thread as the CLI lists it. */
export interface ThreadSummary {
  threadId: string;
  source: TopologySource;
  /** The first question asked on the thread. */
  title: string;
  createdAt: string;
  updatedAt: string;
}

/** A thread's write lock, held for the length of a run. */
export interface ThreadLock {
  /**
   * Aborts (with a ThreadBusyError whose code is `thread_lock_lost`) when the lock was lost while held (its
   * database connection ended and it could not be taken back, or another process took it over): the run
   * must stop writing, since another run may now write to the thread.
   */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** How long and how to wait for a thread another run holds. */
export interface ThreadLockOptions {
  /** Give up (ThreadBusyError) after this long. */
  waitMs: number;
  signal?: AbortSignal | undefined;
  /** Called once when the thread is held by another run and the wait begins, with who holds it. */
  onWait?: ((holder: string) => void) | undefined;
}

/** A SQLite file, or a PostgreSQL server (its connection string is a secret and is not kept here). */
export type RunStoreLocation = { kind: "sqlite"; file: string } | { kind: "postgres" };

/**
 * Where runs persist: a LangGraph checkpointer (every superstep, every finished agent's write) and a
 * small table of threads (topology source and title), which checkpoints have no place for.
 */
export interface RunStore {
  /** `sqlite <path>` or `postgres <host/db>`, for messages. */
  readonly description: string;
  /** Where the store is, as a command line would name it again (e.g. for the `moa resume` to suggest). */
  readonly location: RunStoreLocation;
  readonly checkpointer: BaseCheckpointSaver;
  recordThread(thread: { threadId: string; source: TopologySource; title: string }): Promise<void>;
  getThread(threadId: string): Promise<ThreadSummary | undefined>;
  listThreads(limit?: number): Promise<ThreadSummary[]>;
  /**
   * Takes the thread's write lock, across processes: two runs writing one thread at once would fork its
   * history and lose a turn. Waits for a live holder up to `waitMs`; a holder that died is taken over.
   */
  lockThread(threadId: string, options: ThreadLockOptions): Promise<ThreadLock>;
  /**
   * Who holds the thread's write lock right now (a live run), or undefined when no run does. Only looks, so it
   * works on a store opened for reading.
   */
  threadHolder(threadId: string): Promise<string | undefined>;
  /**
   * Deletes a thread: its checkpoints and writes, its record, its lock row, and the large values no other
   * thread uses. False when there was no such thread. The caller holds the thread's lock (see lockThread) so
   * no run writes it meanwhile.
   */
  deleteThread(threadId: string): Promise<boolean>;
  close(): Promise<void>;
}
