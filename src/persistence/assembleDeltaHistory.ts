import type { RunnableConfig } from "@langchain/core/runnables";
import type { CheckpointPendingWrite, DeltaChannelHistory } from "@langchain/langgraph-checkpoint";

/** What LangGraph asks of `getDeltaChannelHistory`: the channels to rebuild at the checkpoint `config` names. */
export interface DeltaHistoryRequest {
  config: RunnableConfig;
  channels: string[];
}

/** The thread, namespace and checkpoint (absent: the thread's latest) a request names. */
export function historyTarget(config: RunnableConfig): { thread: string | undefined; ns: string; checkpointId: string | undefined } {
  return {
    thread: config.configurable?.thread_id as string | undefined,
    ns: (config.configurable?.checkpoint_ns as string | undefined) ?? "",
    checkpointId: config.configurable?.checkpoint_id as string | undefined,
  };
}

/** A stored value of a channel found on an ancestor checkpoint (1 = the target's parent). */
export interface AncestorSeed {
  channel: string;
  depth: number;
  value: unknown;
}

/** One pending write stored on an ancestor checkpoint, already deserialized. */
export interface AncestorWrite {
  channel: string;
  depth: number;
  taskId: string;
  value: unknown;
}

/**
 * Builds what `getDeltaChannelHistory` returns from rows a saver read in one pass over the ancestor chain:
 * per channel, the nearest seed and the writes from that seed's checkpoint down to the target's parent,
 * oldest first. `writes` must come in replay order (deepest checkpoint first, then task id and index), the
 * order LangGraph's own walk over these savers produces. Within one step that differs from the live run's
 * order (by task path), so records several tasks wrote in one step (a layer's agents) may come back in
 * another order: readers sort them (by `agentIndex`), as the CLI and the reports do.
 *
 * @example
 * const history = assembleDeltaHistory({ channels: ["messages"], seeds: [], writes: [] });
 */
export function assembleDeltaHistory({
  channels,
  seeds,
  writes,
}: {
  channels: readonly string[];
  seeds: readonly AncestorSeed[];
  writes: readonly AncestorWrite[];
}): Record<string, DeltaChannelHistory> {
  const nearestSeed = new Map<string, AncestorSeed>();
  for (const seed of seeds) {
    const known = nearestSeed.get(seed.channel);
    if (!known || seed.depth < known.depth) nearestSeed.set(seed.channel, seed);
  }
  const history: Record<string, DeltaChannelHistory> = {};
  for (const channel of channels) {
    const seed = nearestSeed.get(channel);
    const ofChannel: CheckpointPendingWrite[] = writes
      .filter((w) => w.channel === channel && (seed === undefined || w.depth <= seed.depth))
      .map((w) => [w.taskId, w.channel, w.value]);
    history[channel] = seed === undefined ? { writes: ofChannel } : { writes: ofChannel, seed: seed.value };
  }
  return history;
}
