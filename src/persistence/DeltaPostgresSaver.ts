import type { RunnableConfig } from "@langchain/core/runnables";
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointMetadata,
  CheckpointTuple,
  DeltaChannelHistory,
  PendingWrite,
  SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";
import {
  assembleDeltaHistory,
  historyTarget,
  type AncestorSeed,
  type AncestorWrite,
  type DeltaHistoryRequest,
} from "./assembleDeltaHistory.js";
import { reconnecting } from "./reconnecting.js";

// The ancestors of checkpoint $3 of thread $1 (namespace $2), nearest first (depth 1 = its parent), at most $5 deep.
const CHAIN = `WITH RECURSIVE chain(id, depth) AS (
    SELECT parent_checkpoint_id, 1 FROM checkpoints WHERE thread_id = $1 AND checkpoint_ns = $2 AND checkpoint_id = $3
    UNION ALL
    SELECT c.parent_checkpoint_id, chain.depth + 1 FROM checkpoints c JOIN chain
      ON c.thread_id = $1 AND c.checkpoint_ns = $2 AND c.checkpoint_id = chain.id
    WHERE chain.depth < $5
  )`;

// Ancestors looked at per query while searching for stored values.
const SEED_WALK_CHUNK = 256;

/**
 * PostgreSQL checkpointer for the state's delta channels (see src/state/moaState.ts): LangGraph's own walk
 * reads the ancestors of a checkpoint one round trip at a time; this reads the chain, its stored values and
 * its writes in three queries, however long the thread.
 *
 * A server that drops a connection (a restart, a failover, `idle_session_timeout`, `pg_terminate_backend`)
 * does not end the run: every read and write is tried again on a new connection (they are idempotent; see
 * reconnecting), and only when that keeps failing does the run stop, with a RunStoreError saying the database
 * stopped answering.
 *
 * @example
 * const saver = new DeltaPostgresSaver(new pg.Pool({ connectionString }));
 */
export class DeltaPostgresSaver extends PostgresSaver {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool, serde?: SerializerProtocol) {
    super(pool, serde);
    this.#pool = pool;
  }

  /**
   * Channel versions unique to their branch of the history. PostgresSaver keeps channel values by (channel,
   * version) and LangGraph's default versions count 1, 2, 3...: a fork (time travel, `moa resume` retrying a
   * failed layer) makes the same numbers as the branch it left, and then reads that branch's values. A
   * random fraction, as LangGraph's Python savers do, keeps the numbers increasing and their values apart.
   */
  override getNextVersion(current: number | undefined): number {
    const counted = current === undefined ? 0 : Math.floor(current);
    return counted + 1 + Math.random() * 0.999;
  }

  override put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return reconnecting(() => super.put(config, checkpoint, metadata, newVersions));
  }

  override putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    return reconnecting(() => super.putWrites(config, writes, taskId));
  }

  override getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return reconnecting(() => super.getTuple(config));
  }

  override getDeltaChannelHistory(request: DeltaHistoryRequest): Promise<Record<string, DeltaChannelHistory>> {
    return reconnecting(() => this.readDeltaHistory(request));
  }

  private async readDeltaHistory({ config, channels }: DeltaHistoryRequest): Promise<Record<string, DeltaChannelHistory>> {
    if (channels.length === 0) return {};
    const { thread, ns, checkpointId } = historyTarget(config);
    const target = checkpointId ?? (await this.latestCheckpointId(thread, ns));
    if (thread === undefined || target === undefined) return assembleDeltaHistory({ channels, seeds: [], writes: [] });
    // PostgreSQL integers stop here; no chain is deeper.
    const unbounded = 2_147_483_647;

    // The nearest ancestor holding a stored value of each channel: a delta snapshot, or a thread written before
    // the channel became a delta channel. Versions only, so no value but the nearest is fetched; and in chunks,
    // nearest first, so the walk stops once every channel has one (the first ancestor, on an older thread).
    const nearest = new Map<string, { depth: number; version: string }>();
    let cursor = target;
    let offset = 0;
    for (;;) {
      const { rows } = await this.#pool.query<{ id: string | null; depth: number; channel: string | null; version: string | null }>(
        `${CHAIN} SELECT chain.id, chain.depth, v.key AS channel, v.value AS version
          FROM chain LEFT JOIN checkpoints c ON c.thread_id = $1 AND c.checkpoint_ns = $2 AND c.checkpoint_id = chain.id
          LEFT JOIN LATERAL (
            SELECT v.key, v.value FROM jsonb_each_text(c.checkpoint -> 'channel_versions') v
            JOIN checkpoint_blobs b ON b.thread_id = $1 AND b.checkpoint_ns = $2 AND b.channel = v.key AND b.version = v.value
            WHERE v.key = ANY($4) AND b.type <> 'empty'
          ) v ON true
          ORDER BY chain.depth`,
        [thread, ns, cursor, channels, SEED_WALK_CHUNK],
      );
      let deepest: { id: string | null; depth: number } | undefined;
      for (const row of rows) {
        if (row.channel !== null && row.version !== null && !nearest.has(row.channel))
          nearest.set(row.channel, { depth: offset + row.depth, version: row.version });
        if (!deepest || row.depth >= deepest.depth) deepest = { id: row.id, depth: row.depth };
      }
      if (nearest.size === channels.length || !deepest?.id || deepest.depth < SEED_WALK_CHUNK) break;
      cursor = deepest.id;
      offset += deepest.depth;
    }
    const seeds: AncestorSeed[] = [];
    for (const [channel, { depth, version }] of nearest) {
      const { rows } = await this.#pool.query<{ type: string; blob: Buffer }>(
        "SELECT type, blob FROM checkpoint_blobs WHERE thread_id = $1 AND checkpoint_ns = $2 AND channel = $3 AND version = $4",
        [thread, ns, channel, version],
      );
      if (rows[0]) seeds.push({ channel, depth, value: await this.serde.loadsTyped(rows[0].type, rows[0].blob) });
    }
    const maxDepth = seeds.length === channels.length ? Math.max(...seeds.map((s) => s.depth)) : unbounded;

    const { rows } = await this.#pool.query<{ depth: number; task_id: string; channel: string; type: string; blob: Buffer }>(
      `${CHAIN} SELECT chain.depth, w.task_id, w.channel, w.type, w.blob
        FROM chain JOIN checkpoint_writes w ON w.thread_id = $1 AND w.checkpoint_ns = $2 AND w.checkpoint_id = chain.id
        WHERE w.channel = ANY($4)
        ORDER BY chain.depth DESC, w.task_id COLLATE "C", w.idx`,
      [thread, ns, target, channels, maxDepth],
    );
    const writes: AncestorWrite[] = [];
    for (const row of rows) {
      writes.push({ channel: row.channel, depth: row.depth, taskId: row.task_id, value: await this.serde.loadsTyped(row.type, row.blob) });
    }
    return assembleDeltaHistory({ channels, seeds, writes });
  }

  private async latestCheckpointId(thread: string | undefined, ns: string): Promise<string | undefined> {
    if (thread === undefined) return undefined;
    const { rows } = await this.#pool.query<{ checkpoint_id: string }>(
      "SELECT checkpoint_id FROM checkpoints WHERE thread_id = $1 AND checkpoint_ns = $2 ORDER BY checkpoint_id DESC LIMIT 1",
      [thread, ns],
    );
    return rows[0]?.checkpoint_id;
  }
}
