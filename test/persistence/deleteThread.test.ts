import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { openRunStore } from "../../src/persistence/openRunStore.js";
import { readThreadValues } from "../../src/persistence/readThreadValues.js";
import type { RunStore } from "../../src/persistence/RunStore.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";
import { postgresReachable } from "../helpers/postgres.js";

const pgUrl = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const pgAvailable = await postgresReachable(pgUrl);
if (!pgAvailable) console.warn(`skipping the PostgreSQL cases: no server answers at ${pgUrl} (set MOA_TEST_POSTGRES_URL)`);

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** An open store of `kind`, and which of the given large-value hashes its database still holds. */
async function openStore(kind: "sqlite" | "postgres"): Promise<{ store: RunStore; storedHashes: (hashes: string[]) => Promise<string[]> }> {
  if (kind === "sqlite") {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "moa-delete-")), "runs.sqlite");
    const store = await openRunStore({ db: file });
    return {
      store,
      async storedHashes(hashes) {
        const db = new Database(file, { readonly: true });
        try {
          return hashes.filter((h) => db.prepare("SELECT 1 FROM moa_large_values WHERE hash = ?").get(h) !== undefined);
        } finally {
          db.close();
        }
      },
    };
  }
  const store = await openRunStore({ checkpointer: pgUrl });
  return {
    store,
    async storedHashes(hashes) {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ hash: string }>("SELECT hash FROM moa_large_values WHERE hash = ANY($1)", [hashes]);
        return hashes.filter((h) => rows.some((r) => r.hash === h));
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs a two-agent MoA turn on `threadId`, recording the thread as the CLI does. */
async function runTurn({ store, threadId, question, answer }: { store: RunStore; threadId: string; question: string; answer: string }) {
  const model = (reply: string) => new ScriptedChatModel({ reply });
  const graph = buildMoAGraph({ config: { layers: [{ agents: [model("a"), model("b")] }], aggregator: model(answer) } }).compile({
    checkpointer: store.checkpointer,
  });
  await store.recordThread({ threadId, source: { preset: "moa-lite" }, title: question.slice(0, 20) });
  await graph.invoke({ messages: [new HumanMessage(question)] }, { configurable: { thread_id: threadId } });
}

const opened: RunStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

describe.each(["sqlite", "postgres"] as const)("RunStore.deleteThread on %s", (kind) => {
  const skip = kind === "postgres" && !pgAvailable;

  it.skipIf(skip)("deletes the thread's checkpoints and record, leaving other threads alone", async () => {
    const { store } = await openStore(kind);
    opened.push(store);
    const [gone, kept] = [`gone-${randomUUID()}`, `kept-${randomUUID()}`];
    await runTurn({ store, threadId: gone, question: "first", answer: "one" });
    await runTurn({ store, threadId: kept, question: "second", answer: "two" });
    expect(await store.deleteThread(gone)).toBe(true);
    expect(await readThreadValues({ checkpointer: store.checkpointer, threadId: gone })).toBeUndefined();
    expect(await store.getThread(gone)).toBeUndefined();
    expect((await readThreadValues({ checkpointer: store.checkpointer, threadId: kept }))?.messages.at(-1)?.text).toBe("two");
    expect(await store.getThread(kept)).toBeDefined();
  });

  it.skipIf(skip)("keeps a large value a run on another thread stored but has not referred to yet", async () => {
    const { store, storedHashes } = await openStore(kind);
    opened.push(store);
    const shared = `shared question ${randomUUID()} ${"s".repeat(70_000)}`;
    const gone = `gone-${randomUUID()}`;
    await runTurn({ store, threadId: gone, question: shared, answer: "short" });
    // A run on another thread serializes a checkpoint holding the same string: the value is stored (already
    // there), and the checkpoint that refers to it is not written yet when the other thread is removed.
    const [type, pending] = await store.checkpointer.serde.dumpsTyped({ question: shared });
    expect(new TextDecoder().decode(pending)).toContain(sha256(shared));
    await store.deleteThread(gone);
    expect(await storedHashes([sha256(shared)])).toEqual([sha256(shared)]);
    expect(await store.checkpointer.serde.loadsTyped(type, pending)).toEqual({ question: shared });
  });

  it.skipIf(skip)("returns false for a thread it does not hold", async () => {
    const { store } = await openStore(kind);
    opened.push(store);
    expect(await store.deleteThread(`missing-${randomUUID()}`)).toBe(false);
  });

  it.skipIf(skip)("names the holder of a thread a run holds, and nobody once it is released", async () => {
    const { store } = await openStore(kind);
    opened.push(store);
    const threadId = `held-${randomUUID()}`;
    const lock = await store.lockThread(threadId, { waitMs: 0 });
    try {
      expect(await store.threadHolder(threadId)).toMatch(kind === "sqlite" ? /^pid \d+ on host / : /PostgreSQL session \d+/);
    } finally {
      await lock.release();
    }
    expect(await store.threadHolder(threadId)).toBeUndefined();
  });
});

describe("RunStore.deleteThread on sqlite", () => {
  it("deletes the thread's lock row", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "moa-delete-")), "runs.sqlite");
    const store = await openRunStore({ db: file });
    opened.push(store);
    const threadId = `locked-${randomUUID()}`;
    await runTurn({ store, threadId, question: "q", answer: "a" });
    const lock = await store.lockThread(threadId, { waitMs: 0 });
    await store.deleteThread(threadId);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare("SELECT 1 FROM moa_thread_locks WHERE thread_id = ?").get(threadId)).toBeUndefined();
    } finally {
      db.close();
      await lock.release();
    }
  });
});
