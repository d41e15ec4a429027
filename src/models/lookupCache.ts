// Per key, the lookup in flight or its result. Failures (undefined) are not kept, so the next run
// asks again instead of keeping a default forever (a server that was down, a file not yet downloaded).
const cache = new Map<string, Promise<number | undefined>>();

/**
 * Runs `lookup` once per key for the life of the process (context windows, parameter counts); a lookup
 * that found nothing is forgotten.
 *
 * @example
 * const window = await cachedLookup(`ollama|${url}|${model}`, () => readOllamaContextWindow(url, model));
 */
export function cachedLookup(key: string, lookup: () => Promise<number | undefined>): Promise<number | undefined> {
  let entry = cache.get(key);
  if (!entry) {
    entry = lookup();
    cache.set(key, entry);
    void entry.then((value) => {
      if (value === undefined && cache.get(key) === entry) cache.delete(key);
    });
  }
  return entry;
}

/**
 * Forgets every cached lookup, e.g. after a model was re-created with another `num_ctx`.
 *
 * @example
 * clearLookupCache();
 */
export function clearLookupCache(): void {
  cache.clear();
}
