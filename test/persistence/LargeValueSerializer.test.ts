import { randomUUID } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { buildMoAGraph } from "../../src/graphs/builders.js";
import { LargeValueSerializer, type LargeValueStore } from "../../src/persistence/LargeValueSerializer.js";
import { openRunStore } from "../../src/persistence/openRunStore.js";
import { openSqliteRunStore } from "../../src/persistence/sqliteRunStore.js";
import { readThreadValues } from "../../src/persistence/readThreadValues.js";
import { ScriptedChatModel } from "../../src/testing/ScriptedChatModel.js";
import { postgresReachable } from "../helpers/postgres.js";

function memoryStore(): LargeValueStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    async put(hash, value) {
      values.set(hash, value);
    },
    async get(hash) {
      return values.get(hash);
    },
  };
}

describe("LargeValueSerializer", () => {
  it("stores a large string once however often it is written", async () => {
    const store = memoryStore();
    const serde = new LargeValueSerializer(store);
    const large = "q".repeat(200_000);
    const [, first] = await serde.dumpsTyped({ input: large });
    const [, second] = await serde.dumpsTyped([{ content: large }, { content: large }]);
    expect(store.values.size).toBe(1);
    expect(first.length + second.length).toBeLessThan(1_000);
    expect(await serde.loadsTyped("json", second)).toEqual([{ content: large }, { content: large }]);
  });

  it("leaves small values inline and byte-identical to the default serializer", async () => {
    const store = memoryStore();
    const serde = new LargeValueSerializer(store);
    const [type, bytes] = await serde.dumpsTyped({ text: "short", n: 1 });
    expect(type).toBe("json");
    expect(new TextDecoder().decode(bytes)).toBe('{"text":"short","n":1}');
    expect(store.values.size).toBe(0);
  });

  it("round-trips LangChain messages with large content", async () => {
    const serde = new LargeValueSerializer(memoryStore());
    const large = "m".repeat(100_000);
    const [type, bytes] = await serde.dumpsTyped([new HumanMessage(large)]);
    const [message] = (await serde.loadsTyped(type, bytes)) as HumanMessage[];
    expect(HumanMessage.isInstance(message)).toBe(true);
    expect(message!.text).toBe(large);
  });

  it("keeps model text that merely mentions the reference marker as text", async () => {
    const serde = new LargeValueSerializer(memoryStore());
    const text = `{"__moa_large_value__": "abc"} ${"x".repeat(70_000)}`;
    const [type, bytes] = await serde.dumpsTyped({ content: text, note: '{"__moa_large_value__":"abc"}' });
    expect(await serde.loadsTyped(type, bytes)).toEqual({ content: text, note: '{"__moa_large_value__":"abc"}' });
  });
});

const pgUrl = process.env.MOA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const pgAvailable = await postgresReachable(pgUrl);

describe.each(["sqlite", "postgres"] as const)("a large answer with any character in it, on %s", (kind) => {
  it.skipIf(kind === "postgres" && !pgAvailable)("is stored and read back whole", async () => {
    const store =
      kind === "sqlite"
        ? openSqliteRunStore(path.join(mkdtempSync(path.join(tmpdir(), "moa-nul-")), "runs.sqlite"))
        : await openRunStore({ checkpointer: pgUrl });
    try {
      const answer = `before\u0000after ${"é€😀".repeat(30_000)}`;
      const model = (reply: string) => new ScriptedChatModel({ reply });
      const graph = buildMoAGraph({ config: { layers: [{ agents: [model("a"), model("b")] }], aggregator: model(answer) } }).compile({
        checkpointer: store.checkpointer,
      });
      const threadId = `nul-${randomUUID()}`;
      await graph.invoke({ messages: [new HumanMessage("q")] }, { configurable: { thread_id: threadId } });
      const values = await readThreadValues({ checkpointer: store.checkpointer, threadId });
      expect(values?.messages.at(-1)?.text).toBe(answer);
    } finally {
      await store.close();
    }
  });
});

describe("a large question in the run database", () => {
  it("is stored about once", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "moa-large-")), "runs.sqlite");
    const store = openSqliteRunStore(file);
    const model = (reply: string) => new ScriptedChatModel({ reply });
    const graph = buildMoAGraph({ config: { layers: [{ agents: [model("a"), model("b")] }], aggregator: model("c") } }).compile({
      checkpointer: store.checkpointer,
    });
    const question = "Summarise this: " + "lorem ipsum ".repeat(400_000);
    await graph.invoke({ messages: [new HumanMessage(question)] }, { configurable: { thread_id: "large" } });
    const values = await readThreadValues({ checkpointer: store.checkpointer, threadId: "large" });
    expect(values?.messages[0]?.text).toBe(question);
    await store.close();
    const db = new Database(file);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    expect(statSync(file).size).toBeLessThan(question.length * 1.3);
  });
});
