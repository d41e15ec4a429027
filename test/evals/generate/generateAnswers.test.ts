import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateAnswers, type GenerationProgress } from "../../../evals/generate/generateAnswers.js";
import { openItemStore, type AnswerStore } from "../../../evals/generate/itemStore.js";
import type { Responder, ResponderAnswer } from "../../../evals/generate/responder.js";
import type { EvalItem, GeneratedAnswer } from "../../../evals/types.js";

let dir: string;
let store: AnswerStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "moa-gen-"));
  store = openItemStore<GeneratedAnswer>({ dir, hash: "r" });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const items: EvalItem[] = ["a", "b", "c", "d", "e", "f"].map((id) => ({ id, category: "x", turns: [`question ${id}`] }));

function answerTo(turns: string[]): ResponderAnswer {
  return {
    turns: turns.map((t) => `answer to ${t}`),
    calls: 2,
    failedCalls: 0,
    inputTokens: 3,
    outputTokens: 4,
    activeParams: 0,
    latencyMs: 1,
    routes: [],
    gateTurns: 0,
    gateSkips: 0,
  };
}

/** A responder that counts its calls and the most it was asked at once. */
function fakeResponder({ delayMs = 5, failOn }: { delayMs?: number; failOn?: string } = {}) {
  const state = { inFlight: 0, maxInFlight: 0, asked: [] as string[] };
  const responder: Responder = {
    name: "fake",
    hash: "r",
    async answer({ turns }) {
      state.asked.push(turns[0]!);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (failOn !== undefined && turns[0] === failOn) throw new Error("model exploded");
        return answerTo(turns);
      } finally {
        state.inFlight--;
      }
    },
  };
  return { responder, state };
}

describe("generateAnswers", () => {
  it("never runs more items at once than the concurrency", async () => {
    const { responder, state } = fakeResponder();
    const answers = await generateAnswers({ items, responder, store, concurrency: 2 });
    expect(state.maxInFlight).toBe(2);
    expect(state.asked).toHaveLength(6);
    expect(answers.size).toBe(6);
    expect(answers.get("c")).toEqual({ itemId: "c", ...answerTo(["question c"]) });
  });

  it("reuses stored answers without generating them again", async () => {
    store.put({ itemId: "a", ...answerTo(["stored"]) });
    store.put({ itemId: "b", ...answerTo(["stored"]) });
    const { responder, state } = fakeResponder();
    const answers = await generateAnswers({ items, responder, store, concurrency: 3 });
    expect(state.asked).toEqual(["question c", "question d", "question e", "question f"]);
    expect(answers.get("a")?.turns).toEqual(["answer to stored"]);
    expect(answers.size).toBe(6);
  });

  it("records a throwing item with its error, counts it failed, and still answers the others", async () => {
    const { responder } = fakeResponder({ failOn: "question c" });
    const progress: GenerationProgress[] = [];
    const answers = await generateAnswers({ items, responder, store, concurrency: 2, onProgress: (p) => progress.push(p) });
    expect(answers.get("c")).toMatchObject({ itemId: "c", turns: [], calls: 0, error: "model exploded" });
    expect(store.get("c")).toBeUndefined();
    for (const id of ["a", "b", "d", "e", "f"]) expect(answers.get(id)?.error).toBeUndefined();
    expect(progress.at(-1)).toMatchObject({ total: 6, done: 6, failed: 1 });
    // Tried again on the next run: only the failed item is asked.
    const again = fakeResponder();
    await generateAnswers({ items, responder: again.responder, store: openItemStore<GeneratedAnswer>({ dir, hash: "r" }), concurrency: 2 });
    expect(again.state.asked).toEqual(["question c"]);
  });

  it("stops launching new items once aborted, and stores no interrupted item", async () => {
    const controller = new AbortController();
    const { responder, state } = fakeResponder({ delayMs: 10 });
    const answers = await generateAnswers({
      items,
      responder,
      store,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 2) controller.abort();
      },
    });
    expect(state.asked).toEqual(["question a", "question b"]);
    expect([...answers.keys()]).toEqual(["a", "b"]);
    expect(store.get("c")).toBeUndefined();
  });

  it("reports done, reused, calls and tokens, with an ETA only once an item was generated here", async () => {
    store.put({ itemId: "a", ...answerTo(["stored"]) });
    const { responder } = fakeResponder();
    const progress: GenerationProgress[] = [];
    await generateAnswers({ items: items.slice(0, 3), responder, store, concurrency: 1, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => [p.done, p.reused])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(progress[0]!.etaMs).toBeUndefined();
    expect(progress[0]!.itemsPerSecond).toBeUndefined();
    expect(progress[1]!.etaMs).toBeGreaterThan(0);
    expect(progress[1]!.itemsPerSecond).toBeGreaterThan(0);
    expect(progress[2]!.etaMs).toBe(0);
    // Two generated items at 2 calls and 3 + 4 tokens each; the reused one does not count.
    expect(progress[2]).toMatchObject({ calls: 4, tokens: 14, failed: 0, total: 3 });
  });
});
