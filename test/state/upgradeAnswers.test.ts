import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { beforeAll, describe, expect, it } from "vitest";
import { openRunStore } from "../../src/persistence/openRunStore.js";
import { readThreadValues } from "../../src/persistence/readThreadValues.js";
import { summarizeRun } from "../../src/report/summarizeRun.js";
import { MoAState, type AgentAnswer } from "../../src/state/moaState.js";
import { upgradeAnswers } from "../../src/state/upgradeAnswers.js";
import { runCli } from "../helpers/runCli.js";

// Earlier versions stored a middle-layer agent's role as "aggregator" (now "refiner"). Their threads are
// written here the way those versions wrote them: the node's update carries the old value.
const dir = mkdtempSync(path.join(tmpdir(), "moa-roles-"));

function record(layer: number, agent: string, role: string, agentIndex = 0): AgentAnswer {
  return {
    turn: 1,
    layer,
    role: role as AgentAnswer["role"],
    agent,
    agentIndex,
    nodeId: layer === 3 ? "aggregator" : `layer${layer}/${agent}`,
    model: "ollama:m",
    content: `${agent} says hi`,
    latencyMs: 12,
    startedAt: "2026-01-01T00:00:00.000Z",
  };
}

const OLD_RECORDS = [record(1, "p", "proposer"), record(2, "q", "aggregator"), record(3, "aggregator", "final")];

/** Writes a one-turn thread whose records have the old role values, through the project's own state. */
async function writeOldThread(db: string, threadId: string): Promise<void> {
  const store = await openRunStore({ db });
  try {
    const graph = new StateGraph(MoAState)
      .addNode("old", () => ({ answers: OLD_RECORDS, messages: [new AIMessage("the reply")] }))
      .addEdge(START, "old")
      .addEdge("old", END)
      .compile({ checkpointer: store.checkpointer });
    await graph.invoke({ messages: [new HumanMessage("Hi?")] }, { configurable: { thread_id: threadId } });
    await store.recordThread({ threadId, source: { preset: "moa-lite", backend: "ollama" }, title: "Hi?" });
  } finally {
    await store.close();
  }
}

/** Writes the same thread as a version before delta channels did: the whole list in the checkpoint. */
async function writeFullCopyThread(db: string, threadId: string): Promise<void> {
  const store = await openRunStore({ db });
  const FullCopy = Annotation.Root({
    messages: MoAState.spec.messages,
    answers: Annotation<AgentAnswer[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  try {
    const graph = new StateGraph(FullCopy)
      .addNode("old", () => ({ answers: OLD_RECORDS }))
      .addEdge(START, "old")
      .addEdge("old", END)
      .compile({ checkpointer: store.checkpointer });
    await graph.invoke({ messages: [new HumanMessage("Hi?")] }, { configurable: { thread_id: threadId } });
  } finally {
    await store.close();
  }
}

describe("upgradeAnswers", () => {
  it("renames the old middle-layer role and keeps every other record as it is", () => {
    expect(upgradeAnswers(OLD_RECORDS).map((a) => a.role)).toEqual(["proposer", "refiner", "final"]);
  });

  it("returns the same list when nothing is old", () => {
    const current = [record(1, "p", "proposer"), record(2, "q", "refiner")];
    expect(upgradeAnswers(current)).toBe(current);
  });
});

describe("a thread saved with the old role values", () => {
  const db = path.join(dir, "old.sqlite");
  beforeAll(async () => {
    await writeOldThread(db, "old-thread");
    await writeFullCopyThread(db, "full-copy");
  });

  it("loads with today's role names", async () => {
    const store = await openRunStore({ db, readOnly: true });
    try {
      const values = await readThreadValues({ checkpointer: store.checkpointer, threadId: "old-thread" });
      expect(values?.answers.map((a) => a.role)).toEqual(["proposer", "refiner", "final"]);
    } finally {
      await store.close();
    }
  });

  it("loads with today's role names when the checkpoint holds the whole list", async () => {
    const store = await openRunStore({ db, readOnly: true });
    try {
      const values = await readThreadValues({ checkpointer: store.checkpointer, threadId: "full-copy" });
      expect(values?.answers.map((a) => a.role)).toEqual(["proposer", "refiner", "final"]);
    } finally {
      await store.close();
    }
  });

  it("summarizes with today's role names in the library", async () => {
    const store = await openRunStore({ db, readOnly: true });
    try {
      const values = await readThreadValues({ checkpointer: store.checkpointer, threadId: "old-thread" });
      expect(summarizeRun(values!).rows.map((r) => [r.agent, r.role])).toEqual([
        ["p", "proposer"],
        ["q", "refiner"],
        ["aggregator", "final"],
      ]);
    } finally {
      await store.close();
    }
  });

  it("shows with today's role names in `moa show --json`", async () => {
    const result = await runCli(["show", "old-thread", "--db", db, "--json"]);
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as { answers: AgentAnswer[] };
    expect(shown.answers.map((a) => [a.agent, a.role])).toEqual([
      ["p", "proposer"],
      ["q", "refiner"],
      ["aggregator", "final"],
    ]);
  });

  it("shows each agent's role in `moa show`", async () => {
    const result = await runCli(["show", "old-thread", "--db", db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("── layer 2 · q · refiner (ollama:m)");
    expect(result.stdout).not.toMatch(/· aggregator \(/);
  });
});
