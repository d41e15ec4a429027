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

function snapshottingGraph(store: RunStore) {
  return new StateGraph(SnapshottingState)
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

const reference = BaseCheckpointSaver.prototype.getDeltaChannelHistory;

describe.each(["sqlite", "postgres"] as const)("delta channel history on %s", (kind) => {
  const skip = kind === "postgres" && !pgAvailable;

  it.skipIf(skip)("matches LangGraph's own ancestor walk at every checkpoint of a thread with snapshots", async () => {
    const store = await openStore(kind);
    const graph = snapshottingGraph(store);
    const thread = { configurable: { thread_id: `snap-${randomUUID()}` } };
    for (let turn = 1; turn <= 5; turn++) await graph.invoke({ messages: [new HumanMessage(`question ${turn}`)] }, thread);
    const checkpoints = [];
    for await (const tuple of store.checkpointer.list(thread)) checkpoints.push(tuple.config);
    expect(checkpoints.length).toBeGreaterThan(10);
    for (const config of checkpoints) {
      const channels = ["messages", "notes"];
      const ours = await store.checkpointer.getDeltaChannelHistory({ config, channels });
      const theirs = await reference.call(store.checkpointer, { config, channels });
      expect(ours).toEqual(theirs);
    }
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
      const wal = statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
      return statSync(file).size + wal;
    };
    // Before the change, a checkpoint held every earlier turn: turns 61-120 cost three times turns 1-60.
    await sizeAfter(20, 1);
    const early = await sizeAfter(60, 21);
    const late = await sizeAfter(120, 61);
    const earlyPerTurn = (early - 0) / 60;
    const latePerTurn = (late - early) / 60;
    expect(latePerTurn).toBeLessThan(earlyPerTurn * 1.5);
  });
});

describe("reading a thread", () => {
  it("is undefined for a thread that has no checkpoint", async () => {
    const store = await openStore("sqlite");
    expect(await readThreadValues({ checkpointer: store.checkpointer, threadId: "none" })).toBeUndefined();
  });
});
