import type { DeltaChannelHistory } from "@langchain/langgraph-checkpoint";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import {
  assembleDeltaHistory,
  historyTarget,
  type AncestorSeed,
  type AncestorWrite,
  type DeltaHistoryRequest,
} from "./assembleDeltaHistory.js";

interface StoredRow {
  id: string;
  depth: number;
  channel: string;
}

interface WriteRow {
  depth: number;
  task_id: string;
  channel: string;
  type: string | null;
  value: Uint8Array | string | null;
}

// The ancestors of a checkpoint, nearest first (depth 1 = its parent), in one statement.
const CHAIN = `WITH RECURSIVE chain(id, depth) AS (
    SELECT parent_checkpoint_id, 1 FROM checkpoints WHERE thread_id = @thread AND checkpoint_ns = @ns AND checkpoint_id = @target
    UNION ALL
    SELECT c.parent_checkpoint_id, chain.depth + 1 FROM checkpoints c JOIN chain
      ON c.thread_id = @thread AND c.checkpoint_ns = @ns AND c.checkpoint_id = chain.id
    WHERE chain.depth < @maxDepth
  )`;

/**
 * SQLite checkpointer for the state's delta channels (see src/state/moaState.ts): the saver LangGraph ships
 * rebuilds a delta channel by reading every ancestor checkpoint one query at a time, which makes loading a
 * long thread cost thousands of queries. This reads the ancestor chain's stored values and its writes in two.
 *
 * @example
 * const saver = new DeltaSqliteSaver(new Database("runs.sqlite"));
 */
export class DeltaSqliteSaver extends SqliteSaver {
  override async getDeltaChannelHistory({ config, channels }: DeltaHistoryRequest): Promise<Record<string, DeltaChannelHistory>> {
    if (channels.length === 0) return {};
    this.setup();
    const { thread, ns, checkpointId } = historyTarget(config);
    const target = checkpointId ?? this.latestCheckpointId(thread, ns);
    if (thread === undefined || target === undefined) return assembleDeltaHistory({ channels, seeds: [], writes: [] });

    const placeholders = channels.map(() => "?").join(", ");
    // The nearest ancestor storing a value of each requested channel (a delta snapshot, or a thread written
    // before the channel became a delta channel), found by SQLite's JSON functions so no checkpoint is parsed
    // here. Ancestors are looked at nearest first and the walk stops once every channel has one: on a thread
    // written before, that is the first ancestor, however long the thread.
    const ancestors = this.db
      .prepare(`${CHAIN} SELECT id, depth FROM chain WHERE id IS NOT NULL ORDER BY depth`)
      .all({ thread, ns, target, maxDepth: Number.MAX_SAFE_INTEGER }) as Array<{ id: string; depth: number }>;
    const storedChannels = this.db.prepare(
      `SELECT e.key AS channel FROM checkpoints c CROSS JOIN json_each(CAST(c.checkpoint AS TEXT), '$.channel_values') e
        WHERE c.thread_id = ? AND c.checkpoint_ns = ? AND c.checkpoint_id = ? AND c.type = 'json' AND e.key IN (${placeholders})`,
    );
    const nearest = new Map<string, StoredRow>();
    for (const { id, depth } of ancestors) {
      for (const { channel } of storedChannels.all(thread, ns, id, ...channels) as Array<{ channel: string }>)
        if (!nearest.has(channel)) nearest.set(channel, { id, depth, channel });
      if (nearest.size === channels.length) break;
    }
    const seeds: AncestorSeed[] = [];
    for (const row of nearest.values()) {
      const checkpoint = await this.getTuple({ configurable: { thread_id: thread, checkpoint_ns: ns, checkpoint_id: row.id } });
      seeds.push({ channel: row.channel, depth: row.depth, value: checkpoint?.checkpoint.channel_values[row.channel] });
    }
    const depthReached = nearest.size === channels.length ? Math.max(...seeds.map((s) => s.depth)) : Number.MAX_SAFE_INTEGER;

    const rows = this.db
      .prepare(
        `${CHAIN} SELECT chain.depth, w.task_id, w.channel, w.type, w.value FROM chain JOIN writes w
          ON w.thread_id = @thread AND w.checkpoint_ns = @ns AND w.checkpoint_id = chain.id
        WHERE w.channel IN (${placeholders})
        ORDER BY chain.depth DESC, w.task_id, w.idx`,
      )
      .all({ thread, ns, target, maxDepth: depthReached }, ...channels) as WriteRow[];
    const writes: AncestorWrite[] = [];
    for (const row of rows) {
      writes.push({
        channel: row.channel,
        depth: row.depth,
        taskId: row.task_id,
        value: await this.serde.loadsTyped(row.type ?? "json", row.value ?? ""),
      });
    }
    return assembleDeltaHistory({ channels, seeds, writes });
  }

  private latestCheckpointId(thread: string | undefined, ns: string): string | undefined {
    if (thread === undefined) return undefined;
    const row = this.db
      .prepare("SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1")
      .get(thread, ns) as { checkpoint_id: string } | undefined;
    return row?.checkpoint_id;
  }
}
