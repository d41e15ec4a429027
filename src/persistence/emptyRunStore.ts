import { MemorySaver } from "@langchain/langgraph";
import type { RunStore } from "./RunStore.js";
import { RunStoreError } from "./RunStoreError.js";

/**
 * A run store with no threads, for reading a database that does not exist yet: listing it shows nothing
 * instead of creating an empty file as a side effect of looking.
 *
 * @example
 * const store = emptyRunStore({ file: "/home/me/.local/share/moa/runs.sqlite" });
 */
export function emptyRunStore({ file }: { file: string }): RunStore {
  const description = `sqlite ${file}`;
  return {
    description,
    location: { kind: "sqlite", file },
    checkpointer: new MemorySaver(),
    async recordThread() {
      throw new RunStoreError(`${description} was opened for reading only`);
    },
    async getThread() {
      return undefined;
    },
    async listThreads() {
      return [];
    },
    async lockThread() {
      throw new RunStoreError(`${description} was opened for reading only`);
    },
    async threadHolder() {
      return undefined;
    },
    async deleteThread() {
      return false;
    },
    async close() {},
  };
}
