import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openItemStore } from "../../../evals/generate/itemStore.js";

interface Row {
  itemId: string;
  value: number;
  error?: string;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "moa-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("openItemStore", () => {
  it("keeps records across openings, one line per record in <dir>/<hash>.jsonl", () => {
    const store = openItemStore<Row>({ dir, hash: "abc-1" });
    expect(store.file).toBe(path.join(dir, "abc-1.jsonl"));
    store.put({ itemId: "1", value: 10 });
    store.put({ itemId: "2", value: 20 });
    expect(store.get("1")).toEqual({ itemId: "1", value: 10 });
    const reopened = openItemStore<Row>({ dir, hash: "abc-1" });
    expect(reopened.get("2")).toEqual({ itemId: "2", value: 20 });
    expect(readFileSync(store.file, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("ignores a torn last line, keeping the records before it", () => {
    const store = openItemStore<Row>({ dir, hash: "h" });
    store.put({ itemId: "1", value: 1 });
    appendFileSync(store.file, '{"itemId":"2","val');
    const reopened = openItemStore<Row>({ dir, hash: "h" });
    expect(reopened.get("1")).toEqual({ itemId: "1", value: 1 });
    expect(reopened.get("2")).toBeUndefined();
  });

  it("does not return failed records, in this run or the next, so they are retried", () => {
    const store = openItemStore<Row>({ dir, hash: "h" });
    store.put({ itemId: "1", value: 0, error: "boom" });
    expect(store.get("1")).toBeUndefined();
    expect(openItemStore<Row>({ dir, hash: "h" }).get("1")).toBeUndefined();
  });

  it("lets a later success replace an earlier failure, and the latest success win", () => {
    const store = openItemStore<Row>({ dir, hash: "h" });
    store.put({ itemId: "1", value: 0, error: "boom" });
    store.put({ itemId: "1", value: 5 });
    store.put({ itemId: "1", value: 6 });
    expect(store.get("1")?.value).toBe(6);
    expect(openItemStore<Row>({ dir, hash: "h" }).get("1")?.value).toBe(6);
  });

  it("refuses a hash that could leave the folder", () => {
    expect(() => openItemStore<Row>({ dir, hash: "../x" })).toThrow(RangeError);
  });
});
