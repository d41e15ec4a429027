import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../src/graphs/builders.js";
import { prepareResume } from "../src/persistence/prepareResume.js";
import { openSqliteRunStore } from "../src/persistence/sqliteRunStore.js";
import type { AgentAnswer } from "../src/state/moaState.js";
import { startOllamaDouble } from "../test/doubles/ollamaDouble.js";

/** What {@link benchSoak} returns. */
export interface SoakResult {
  runs: number;
  completedFirstTry: number;
  /** Runs that failed and were resumed (at most `maxResumes` times each). */
  resumed: number;
  /** Resume attempts in all. */
  resumes: number;
  completedAfterResume: number;
  failedForGood: number;
  proposerCalls: number;
  failedOrHungCalls: number;
  /** Calls repeated for an agent whose answer had already been saved (should be 0). */
  repeatedSavedCalls: number;
  threadsReadable: number;
  seconds: number;
}

/**
 * 1000 MoA runs (3 proposers + aggregator) against a loopback Ollama where 20% of proposer calls fail
 * (HTTP 500) and 5% hang, each checkpointed in SQLite. A run that fails is resumed from its
 * checkpoint with {@link prepareResume}, up to `maxResumes` times; afterwards every thread must
 * still be readable.
 *
 * @example
 * const { completedFirstTry, resumed, threadsReadable } = await benchSoak();
 */
export async function benchSoak({ runs = 1000, failRate = 0.2, hangRate = 0.05, seed = 11, maxResumes = 3 } = {}): Promise<SoakResult> {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const failureFor = () => {
    const r = random();
    return r < hangRate ? ("hang" as const) : r < hangRate + failRate ? ("http500" as const) : undefined;
  };
  const proposers = ["p1:1b", "p2:1b", "p3:1b"];
  const ollama = await startOllamaDouble({
    models: { ...Object.fromEntries(proposers.map((m) => [m, { reply: `answer of ${m}`, failureFor }])), "agg:3b": { reply: "final" } },
  });
  const dir = mkdtempSync(path.join(tmpdir(), "moa-soak-"));
  const store = openSqliteRunStore(path.join(dir, "soak.sqlite"));
  const started = performance.now();
  try {
    // Hangs end by the per-call timeout; no retries, so every failure is visible; a layer needs 2 answers.
    const graph = buildMoAGraph({
      config: {
        defaults: { baseUrl: ollama.url, retries: 0, timeoutMs: 150 },
        layers: [{ agents: proposers.map((m) => `ollama:${m}`), minSuccessful: 2 }],
        aggregator: { model: "ollama:agg:3b", onFailure: "fail" },
      },
    }).compile({ checkpointer: store.checkpointer });
    let completedFirstTry = 0;
    let resumed = 0;
    let resumes = 0;
    let completedAfterResume = 0;
    let failedForGood = 0;
    let repeatedSavedCalls = 0;
    for (let i = 0; i < runs; i++) {
      const config = { configurable: { thread_id: `soak-${i}` }, durability: "sync" as const };
      try {
        await graph.invoke({ messages: [new HumanMessage(`question ${i}`)] }, config);
        completedFirstTry++;
        continue;
      } catch {
        resumed++;
      }
      let completed = false;
      for (let attempt = 0; attempt < maxResumes && !completed; attempt++) {
        const before = await graph.getState(config);
        const answers = before.values.answers as AgentAnswer[];
        const saved = new Set(answers.filter((a) => a.error === undefined).map((a) => a.nodeId));
        const callsBefore = ollama.calls.length;
        const plan = await prepareResume(graph, config);
        if (plan.kind === "finished") break;
        resumes++;
        try {
          await graph.invoke(plan.input, { ...plan.config, durability: "sync" });
          completed = true;
        } catch {
          // Resumed again on the next attempt.
        }
        // Which agents were called again on resume, among those whose answer was already saved.
        for (const call of ollama.calls.slice(callsBefore)) if (saved.has(`layer1/${call.model.replace(":", "-")}`)) repeatedSavedCalls++;
      }
      if (completed) completedAfterResume++;
      else failedForGood++;
    }
    let threadsReadable = 0;
    for (let i = 0; i < runs; i++) {
      const snapshot = await graph.getState({ configurable: { thread_id: `soak-${i}` } });
      if (Array.isArray(snapshot.values.messages) && snapshot.values.messages.length >= 1) threadsReadable++;
    }
    const proposerCalls = ollama.calls.filter((c) => proposers.includes(c.model));
    return {
      runs,
      completedFirstTry,
      resumed,
      resumes,
      completedAfterResume,
      failedForGood,
      proposerCalls: proposerCalls.length,
      failedOrHungCalls: proposerCalls.filter((c) => c.outcome !== "ok").length,
      repeatedSavedCalls,
      threadsReadable,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await store.close();
    await ollama.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
