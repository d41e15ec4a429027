import { UsageError } from "../errors/UsageError.js";
import type { RunStore } from "../persistence/RunStore.js";

/**
 * The error for a thread id that `store` does not hold (a typo, or another database), with where to look.
 *
 * @example
 * if (!summary) throw threadNotFound({ thread, store });
 */
export function threadNotFound({ thread, store }: { thread: string; store: Pick<RunStore, "description"> }): UsageError {
  return new UsageError(`no thread "${thread}" in ${store.description}; see \`moa threads\``, {
    code: "thread_not_found",
    fix: "list the threads with `moa threads` (with the same --db or --checkpointer), and copy the id from there",
  });
}
