/** A loaded model as {@link planRoom} sees it. */
export interface RoomCandidate {
  /** Estimated RAM it holds (weights and contexts). */
  bytes: number;
  /** Loaded and without active calls: unloading it now hurts nobody. */
  idle: boolean;
}

/** Options of {@link planRoom}. */
export interface PlanRoomOptions<T extends RoomCandidate> {
  neededBytes: number;
  /** Bytes free without unloading anything (`Infinity` without a memory guard). */
  freeBytes: number;
  /** Whether the reservation adds a model (and so needs a slot under `maxLoadedModels`). */
  addsModel: boolean;
  /** Models currently loaded or loading, the one being added to excluded. */
  loadedCount: number;
  maxLoadedModels: number;
  /** The other models, least recently used first. */
  others: readonly T[];
}

/** `now`: unload `evict` and go ahead; `wait`: busy models hold what is missing; `never`: it cannot fit. */
export type RoomPlan<T> = { kind: "now"; evict: T[] } | { kind: "wait" } | { kind: "never"; reclaimableBytes: number };

/**
 * Decides how to make room for a model or a context: unload idle models, least recently used first,
 * until both the slot cap and memory allow it; wait when only busy models stand in the way; refuse
 * when not even unloading every other model would free enough. Nothing is unloaded unless the
 * reservation can then go ahead, so a caller that ends up waiting never empties the cache in vain.
 *
 * @example
 * const plan = planRoom({ neededBytes: 4e9, freeBytes: 1e9, addsModel: true, loadedCount: 2, maxLoadedModels: 4, others });
 * if (plan.kind === "now") plan.evict.forEach(unload);
 */
export function planRoom<T extends RoomCandidate>({
  neededBytes,
  freeBytes,
  addsModel,
  loadedCount,
  maxLoadedModels,
  others,
}: PlanRoomOptions<T>): RoomPlan<T> {
  const fits = (free: number, count: number): boolean => free >= neededBytes && (!addsModel || count < maxLoadedModels);
  let free = freeBytes;
  let count = loadedCount;
  const evict: T[] = [];
  for (const candidate of others) {
    if (fits(free, count)) break;
    if (!candidate.idle) continue;
    evict.push(candidate);
    free += candidate.bytes;
    count -= 1;
  }
  if (fits(free, count)) return { kind: "now", evict };

  const reclaimableBytes = others.reduce((sum, candidate) => sum + candidate.bytes, 0);
  if (freeBytes + reclaimableBytes < neededBytes) return { kind: "never", reclaimableBytes };
  return { kind: "wait" };
}
