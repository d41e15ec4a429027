import type { ThreadSaver } from "@langchain/langgraph-api/experimental/embed";
import type { RunStore, ThreadSummary, TopologySource } from "../../persistence/RunStore.js";
import type { ServedMixture } from "../mixtures/ServedMixture.js";

/** A thread as the LangGraph API answers it (the SDK's `Thread`, the fields this server knows). */
export interface ApiThread {
  thread_id: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  status: "idle";
  values: Record<string, unknown>;
}

type Metadata = Record<string, unknown>;

/**
 * The embed server's thread storage over a RunStore's threads table, so that every process sharing the
 * store (one PostgreSQL behind several `moa serve`) sees the same threads. The table keeps a topology
 * source and a title: the mixture a thread runs (`graph_id`) is stored as that mixture's source and found
 * again by it; `title` is kept from the metadata the thread is created with. Other metadata lives in this
 * process's memory only, which is all the LangGraph API promises nothing about.
 *
 * `get` resolves to undefined for an unknown thread (the embed routes answer 404 for it), although the
 * embed's type says otherwise.
 *
 * @example
 * const threads = runStoreThreadSaver({ store, mixtures });
 * await threads.set(threadId, { kind: "put", metadata: { graph_id: "moa-lite", title: "Why is the sky blue?" } });
 */
export function runStoreThreadSaver({ store, mixtures }: { store: RunStore; mixtures: readonly ServedMixture[] }): ThreadSaver {
  const extra = new Map<string, Metadata>();
  const byKey = new Map(mixtures.map((mixture) => [sourceKey(mixture.source), mixture.id]));
  const graphOf = (source: TopologySource): string | undefined => byKey.get(sourceKey(source));

  const toThread = (summary: ThreadSummary): ApiThread => {
    const graphId = graphOf(summary.source);
    return {
      thread_id: summary.threadId,
      metadata: {
        ...extra.get(summary.threadId),
        ...(graphId ? { graph_id: graphId, assistant_id: graphId } : {}),
        ...(summary.title ? { title: summary.title } : {}),
      },
      created_at: summary.createdAt,
      updated_at: summary.updatedAt,
      status: "idle",
      values: {},
    };
  };

  const get = async (threadId: string): Promise<ApiThread | undefined> => {
    const summary = await store.getThread(threadId);
    return summary ? toThread(summary) : undefined;
  };

  return {
    get: get as ThreadSaver["get"],
    async set(threadId, { kind, metadata = {} }) {
      const existing = await store.getThread(threadId);
      const merged = kind === "put" || !existing ? { ...metadata } : { ...extra.get(threadId), ...metadata };
      const { graph_id: graphId, assistant_id: _assistant, title, ...rest } = merged;
      const mixture = mixtures.find((candidate) => candidate.id === graphId);
      extra.set(threadId, rest);
      await store.recordThread({
        threadId,
        // A thread made before any run has no mixture yet: its first run records one.
        source: mixture?.source ?? existing?.source ?? {},
        title: typeof title === "string" ? title : (existing?.title ?? ""),
      });
      return (await get(threadId)) as ApiThread;
    },
    async delete(threadId) {
      // The store deletes only under the thread's lock, so that no run writes it meanwhile.
      const lock = await store.lockThread(threadId, { waitMs: 5_000 });
      try {
        await store.deleteThread(threadId);
        extra.delete(threadId);
      } finally {
        await lock.release();
      }
    },
    async *search({ metadata, limit, offset, sortOrder }) {
      const summaries = await store.listThreads(Math.max(limit + offset, 1) * 4);
      // The LangGraph API names threads by UUID; a CLI thread named otherwise (`--thread t1`) cannot be opened there.
      const threads = summaries
        .filter((summary) => UUID.test(summary.threadId))
        .map(toThread)
        .filter((thread) => matches(thread.metadata, metadata));
      if (sortOrder === "asc") threads.reverse();
      for (const thread of threads.slice(offset, offset + limit)) yield { thread, total: threads.length };
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function matches(metadata: Metadata, filter: Metadata | undefined): boolean {
  return Object.entries(filter ?? {}).every(([key, value]) => JSON.stringify(metadata[key]) === JSON.stringify(value));
}

// PostgreSQL's JSONB gives keys back in its own order: compare sources by sorted keys.
function sourceKey(source: TopologySource): string {
  return JSON.stringify(Object.fromEntries(Object.entries(source).sort(([a], [b]) => a.localeCompare(b))));
}
