/**
 * Runs `each` on the items, at most `concurrency` at a time, in order of start; stops starting items once
 * `signal` aborts. Each item gets its own signal that follows `signal` and is detached when the item ends:
 * handing the run's signal itself to every item's calls would pile up one abort listener per call on it
 * (thousands on MMLU).
 *
 * @example
 * await forEachConcurrently({ items, concurrency: 4, signal, each: async (item, itemSignal) => { await work(item, itemSignal); } });
 */
export async function forEachConcurrently<T>({
  items,
  concurrency,
  signal,
  each,
}: {
  items: readonly T[];
  concurrency: number;
  signal?: AbortSignal | undefined;
  each: (item: T, itemSignal: AbortSignal | undefined) => Promise<void>;
}): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++]!;
      const itemSignal = signal ? new AbortController() : undefined;
      const onAbort = () => itemSignal?.abort(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        await each(item, itemSignal?.signal);
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
