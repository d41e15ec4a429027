import { randomUUID } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import {
  Annotation,
  BaseCheckpointSaver,
  DeltaChannel,
  END,
  START,
  StateGraph,
  messagesDeltaReducer,
  type Messages,
} from "@langchain/langgraph";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { openRunStore } from "../../src/persistence/openRunStore.js";
import { readThreadValues } from "../../src/persistence/readThreadValues.js";
import type { RunStore } from "../../src/persistence/RunStore.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";
import { postgresReachable } from "../helpers/postgres.js";

const pgUrl = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const pgAvailable = await postgresReachable(pgUrl);
if (!pgAvailable && process.env.CI) throw new Error(`PostgreSQL is required in CI but ${pgUrl} does not answer`);

const dir = mkdtempSync(path.join(tmpdir(), "moa-delta-"));
const stores: RunStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
});

async function openStore(kind: "sqlite" | "postgres"): Promise<RunStore> {
  const store =
    kind === "sqlite" ? await openRunStore({ db: path.join(dir, `${randomUUID()}.sqlite`) }) : await openRunStore({ checkpointer: pgUrl });
  stores.push(store);
  return store;
}

// A small snapshot cadence, so histories with seeds (delta snapshots) are compared too.
const SnapshottingState = Annotation.Root({
  messages: new DeltaChannel<BaseMessage[], Messages>(messagesDeltaReducer, { snapshotFrequency: 3 }),
  notes: new DeltaChannel<string[], string | string[]>((current, updates) => current.concat(...updates), { snapshotFrequency: 2 }),
});

function snapshottingGraph(store: RunStore, state = SnapshottingState) {
  return new StateGraph(state)
    .addNode("first", (state) => ({ notes: [`first saw ${state.messages.length}`] }))
    .addNode("second", (state) => ({
      notes: `second saw ${state.notes.length}`,
      messages: [new AIMessage(`reply ${state.messages.length}`)],
    }))
    .addEdge(START, "first")
    .addEdge("first", "second")
    .addEdge("second", END)
    .compile({ checkpointer: store.checkpointer });
}

// Three nodes writing one channel in the same step, as a layer's agents do.
function parallelGraph(store: RunStore) {
  const graph = new StateGraph(SnapshottingState)
    .addNode("a", () => ({ notes: "a" }))
    .addNode("b", () => ({ notes: "b" }))
    .addNode("c", () => ({ notes: ["c1", "c2"] }))
    .addNode("join", (state) => ({ messages: [new AIMessage(`joined ${state.notes.length}`)] }))
    .addEdge(START, "a")
    .addEdge(START, "b")
    .addEdge(START, "c")
    .addEdge(["a", "b", "c"], "join")
    .addEdge("join", END);
  return graph.compile({ checkpointer: store.checkpointer });
}

// The same state before it used delta channels: every checkpoint holds the whole lists.
const FullCopyState = Annotation.Root({
  messages: Annotation<BaseMessage[], Messages>({ reducer: (a, b) => messagesDeltaReducer(a, [b]), default: () => [] }),
  notes: Annotation<string[], string | string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

const reference = BaseCheckpointSaver.prototype.getDeltaChannelHistory;

async function expectSameAsReference(store: RunStore, thread: { configurable: { thread_id: string } }): Promise<number> {
  let compared = 0;
  for await (const tuple of store.checkpointer.list(thread)) {
    const channels = ["messages", "notes"];
    const ours = await store.checkpointer.getDeltaChannelHistory({ config: tuple.config, channels });
    const theirs = await reference.call(store.checkpointer, { config: tuple.config, channels });
    expect(ours).toEqual(theirs);
    compared++;
  }
  return compared;
}

describe.each(["sqlite", "postgres"] as const)("delta channel history on %s", (kind) => {
  const skip = kind === "postgres" && !pgAvailable;

  it.skipIf(skip)("matches LangGraph's own ancestor walk at every checkpoint of a thread with snapshots", async () => {
    const store = await openStore(kind);
    const graph = snapshottingGraph(store);
    const thread = { configurable: { thread_id: `snap-${randomUUID()}` } };
    for (let turn = 1; turn <= 5; turn++) await graph.invoke({ messages: [new HumanMessage(`question ${turn}`)] }, thread);
    expect(await expectSameAsReference(store, thread)).toBeGreaterThan(10);
  });

  it.skipIf(skip)("matches it when several tasks write one channel in a step, and on a forked history", async () => {
    const store = await openStore(kind);
    const graph = parallelGraph(store);
    const thread = { configurable: { thread_id: `fork-${randomUUID()}` } };
    for (let turn = 1; turn <= 3; turn++) await graph.invoke({ messages: [new HumanMessage(`question ${turn}`)] }, thread);
    // Time travel: ask again from the end of turn 1, which forks the history.
    const history = [];
    for await (const snapshot of graph.getStateHistory(thread)) history.push(snapshot);
    const endOfTurnOne = history.find((s) => s.values.messages.length === 2 && s.next.length === 0)!;
    await graph.invoke({ messages: [new HumanMessage("question 2, again")] }, endOfTurnOne.config);
    expect(await expectSameAsReference(store, thread)).toBeGreaterThan(12);
    const values = (await graph.getState(thread)).values;
    expect(values.messages.map((m: BaseMessage) => m.text)).toEqual(["question 1", "joined 4", "question 2, again", "joined 8"]);
    expect([...values.notes].sort()).toEqual(["a", "a", "b", "b", "c1", "c1", "c2", "c2"]);
  });

  it.skipIf(skip)("reads a thread written before its lists were delta channels, and continues it", async () => {
    const store = await openStore(kind);
    const thread = { configurable: { thread_id: `old-${randomUUID()}` } };
    // Same values and updates, other channels: only what is stored differs.
    const old = snapshottingGraph(store, FullCopyState as unknown as typeof SnapshottingState);
    for (let turn = 1; turn <= 2; turn++) await old.invoke({ messages: [new HumanMessage(`question ${turn}`)] }, thread);
    const graph = snapshottingGraph(store);
    expect((await graph.getState(thread)).values.notes).toEqual(["first saw 1", "second saw 1", "first saw 3", "second saw 3"]);
    await graph.invoke({ messages: [new HumanMessage("question 3")] }, thread);
    const values = (await graph.getState(thread)).values;
    expect(values.messages.map((m: BaseMessage) => m.text)).toEqual([
      "question 1",
      "reply 1",
      "question 2",
      "reply 3",
      "question 3",
      "reply 5",
    ]);
    expect(values.notes.at(-1)).toBe("second saw 5");
  });

  it.skipIf(skip)("rebuilds the same state as LangGraph's walk after many turns", async () => {
    const store = await openStore(kind);
    const graph = snapshottingGraph(store);
    const thread = { configurable: { thread_id: `state-${randomUUID()}` } };
    for (let turn = 1; turn <= 8; turn++) await graph.invoke({ messages: [new HumanMessage(`question ${turn}`)] }, thread);
    const values = (await graph.getState(thread)).values;
    expect(values.messages.map((m: BaseMessage) => m.text)).toEqual(
      Array.from({ length: 8 }, (_, i) => [`question ${i + 1}`, `reply ${2 * i + 1}`]).flat(),
    );
    expect(values.notes).toHaveLength(16);
    expect(values.notes.at(-1)).toBe("second saw 15");
  });

  it.skipIf(skip)("reads every turn of a topology's thread back, records and conversation", async () => {
    const store = await openStore(kind);
    const model = (reply: string) => new ScriptedChatModel({ reply });
    const graph = buildMoAGraph({
      config: { layers: [{ agents: [model("one"), model("two")] }], aggregator: model("joined") },
    }).compile({ checkpointer: store.checkpointer });
    const threadId = `moa-${randomUUID()}`;
    for (let turn = 1; turn <= 3; turn++)
      await graph.invoke({ messages: [new HumanMessage(`question ${turn}`)] }, { configurable: { thread_id: threadId } });
    const values = await readThreadValues({ checkpointer: store.checkpointer, threadId });
    expect(values?.messages.map((m) => m.text)).toEqual(["question 1", "joined", "question 2", "joined", "question 3", "joined"]);
    expect(values?.answers.map((a) => a.turn)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });
});

describe("storage of a long thread", () => {
  it("grows by the same amount per turn, late in the thread as early", async () => {
    const store = await openStore("sqlite");
    const file = store.description.replace(/^sqlite /, "");
    const model = (reply: string) => new ScriptedChatModel({ reply });
    const graph = buildMoAGraph({
      config: { layers: [{ agents: [model("a short proposal"), model("another one")] }], aggregator: model("a short answer") },
    }).compile({ checkpointer: store.checkpointer });
    const thread = { configurable: { thread_id: "long" } };
    const sizeAfter = async (turns: number, from: number) => {
      for (let turn = from; turn <= turns; turn++) await graph.invoke({ messages: [new HumanMessage(`question ${turn}`)] }, thread);
      // The write-ahead log folded into the file: its size is what the database holds.
      const reader = new Database(file);
      reader.pragma("wal_checkpoint(TRUNCATE)");
      reader.close();
      return statSync(file).size;
    };
    // Before the change, a checkpoint held every earlier turn: turns 80-140 cost about twice turns 20-80.
    const start = await sizeAfter(20, 1);
    const middle = await sizeAfter(80, 21);
    const end = await sizeAfter(140, 81);
    expect((end - middle) / 60).toBeLessThan(((middle - start) / 60) * 1.2);
  });
});

describe("reading a thread", () => {
  it("is undefined for a thread that has no checkpoint", async () => {
    const store = await openStore("sqlite");
    expect(await readThreadValues({ checkpointer: store.checkpointer, threadId: "none" })).toBeUndefined();
  });
});
