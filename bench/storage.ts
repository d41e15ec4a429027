import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import Database from "better-sqlite3";
import { buildMoAGraph } from "../src/graphs/builders.js";
import { openSqliteRunStore } from "../src/persistence/sqliteRunStore.js";
import { ScriptedChatModel } from "../src/testing/ScriptedChatModel.js";

/** What {@link benchStorage} returns. */
export interface StorageResult {
  /** Database size (bytes, WAL folded in) after each checkpointed turn count. */
  sizes: Array<{ turns: number; bytes: number }>;
  /** Bytes per turn from turn 100 to 500 and from 500 to 1000. */
  earlyBytesPerTurn: number;
  lateBytesPerTurn: number;
  largeQuestionBytes: number;
  largeQuestionDbBytes: number;
  seconds: number;
}

/**
 * 1000 short turns on one SQLite thread (2 proposers + aggregator), and one turn whose question is 10 MB:
 * how the run database grows. Goal: under 50 MB at 1000 turns, flat growth per turn, a large value stored
 * about once.
 */
export async function benchStorage({ turns = 1000 }: { turns?: number } = {}): Promise<StorageResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "moa-bench-storage-"));
  const started = performance.now();
  try {
    const file = path.join(dir, "long.sqlite");
    const sizes = await runTurns({
      file,
      turns,
      question: (turn) => `What is the capital of country number ${turn}?`,
      measureAt: [100, 500, 1000],
    });
    const at = (n: number) => sizes.find((s) => s.turns === n)?.bytes ?? Number.NaN;
    const large = "x".repeat(10 * 1024 * 1024);
    const [single] = await runTurns({ file: path.join(dir, "large.sqlite"), turns: 1, question: () => large, measureAt: [1] });
    return {
      sizes,
      earlyBytesPerTurn: (at(500) - at(100)) / 400,
      lateBytesPerTurn: (at(1000) - at(500)) / 500,
      largeQuestionBytes: large.length,
      largeQuestionDbBytes: single!.bytes,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runTurns({
  file,
  turns,
  question,
  measureAt,
}: {
  file: string;
  turns: number;
  question: (turn: number) => string;
  measureAt: number[];
}): Promise<Array<{ turns: number; bytes: number }>> {
  const store = openSqliteRunStore(file);
  const models: ScriptedChatModel[] = [];
  const model = (reply: string) => {
    const scripted = new ScriptedChatModel({ reply });
    models.push(scripted);
    return scripted;
  };
  const graph = buildMoAGraph({
    config: {
      layers: [{ agents: [model("Paris is the capital of France."), model("The capital of France is Paris.")] }],
      aggregator: model("Paris."),
    },
  }).compile({ checkpointer: store.checkpointer });
  const sizes: Array<{ turns: number; bytes: number }> = [];
  try {
    for (let turn = 1; turn <= turns; turn++) {
      await graph.invoke({ messages: [new HumanMessage(question(turn))] }, { configurable: { thread_id: "bench" }, durability: "sync" });
      // The doubles record every prompt they receive, and prompts grow with the conversation.
      for (const scripted of models) scripted.calls.length = 0;
      if (measureAt.includes(turn)) sizes.push({ turns: turn, bytes: foldedSize(file) });
      if (process.env.MOA_BENCH_PROGRESS && turn % 100 === 0) console.error(`turn ${turn} ${(performance.now() / 1000).toFixed(0)} s`);
    }
  } finally {
    await store.close();
  }
  return sizes;
}

/** The file's size once its write-ahead log is folded in (what the database holds, not the log's high-water mark). */
function foldedSize(file: string): number {
  const db = new Database(file);
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
  return statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
}
