import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { GeneratedAnswer } from "../types.js";

/** Records kept per (hash, item id), appended as each item finishes. */
export interface ItemStore<T extends { itemId: string; error?: string }> {
  /** The file that holds the records. */
  file: string;
  /** The successful record stored for an item, if any (failed attempts are retried). */
  get(itemId: string): T | undefined;
  put(record: T): void;
}

/** A responder's answers. */
export type AnswerStore = ItemStore<GeneratedAnswer>;

/**
 * Opens the record file of one hash (`<dir>/<hash>.jsonl`): a responder's answers, or a judge's verdicts on them. A line is appended per finished item,
 * so a killed eval loses at most the items that were being generated; a torn last line is ignored.
 *
 * @example
 * const store = openItemStore<GeneratedAnswer>({ dir: "~/.cache/langgraph-moa/eval-answers", hash: responder.hash });
 * if (!store.get("81")) store.put(answer);
 */
export function openItemStore<T extends { itemId: string; error?: string }>({ dir, hash }: { dir: string; hash: string }): ItemStore<T> {
  if (!/^[a-z0-9-]+$/i.test(hash)) throw new RangeError(`a store hash must be letters, digits or dashes, got "${hash}"`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${hash}.jsonl`);
  const records = new Map<string, T>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      try {
        const record = JSON.parse(line) as T;
        if (typeof record.itemId === "string" && record.error === undefined) records.set(record.itemId, record);
      } catch {
        // A line cut short by a kill: that item is done again.
      }
    }
  }
  return {
    file,
    get: (itemId) => records.get(itemId),
    put(record) {
      appendFileSync(file, `${JSON.stringify(record)}\n`);
      if (record.error === undefined) records.set(record.itemId, record);
    },
  };
}
