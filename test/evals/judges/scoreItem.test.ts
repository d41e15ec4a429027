import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { judgeModel, type JudgeModel } from "../../../evals/judges/judgeModel.js";
import {
  PAIRWISE_FOLLOW_UP,
  PAIRWISE_JUDGE_SYSTEM,
  SINGLE_JUDGE_SYSTEM,
  SINGLE_JUDGE_WITH_REFERENCE_SYSTEM,
} from "../../../evals/judges/judgePrompts.js";
import { emptyAnswer } from "../../../evals/generate/responder.js";
import { scoreItem } from "../../../evals/judges/scoreItem.js";
import type { EvalItem, GeneratedAnswer } from "../../../evals/types.js";
import { ScriptedChatModel } from "../../../src/testing/ScriptedChatModel.js";

type Ask = Parameters<JudgeModel["ask"]>[0];

/** A judge that answers from a script, one reply per question, each costing 1 call, 10 input and 2 output tokens. */
function scriptedJudge(replies: string[]) {
  const asked: Ask[] = [];
  const judge: JudgeModel = {
    name: "scripted",
    ask(options) {
      asked.push(options);
      const text = replies[asked.length - 1];
      if (text === undefined) throw new Error("the judge was asked more often than scripted");
      return Promise.resolve({ text, cost: { calls: 1, inputTokens: 10, outputTokens: 2 } });
    },
  };
  return { judge, asked };
}

function answered(turns: string[]): GeneratedAnswer {
  return { itemId: "i", ...emptyAnswer(), turns, calls: 1 };
}
const failed: GeneratedAnswer = { ...answered([]), calls: 0, error: "model down" };

describe("scoreItem on MT-Bench", () => {
  const item: EvalItem = { id: "81", category: "writing", turns: ["Write a poem.", "Shorter."] };

  it("rates each turn, an unparsable judgement as null, and sums the judge's cost", async () => {
    const { judge, asked } = scriptedJudge(["Good. Rating: [[8]]", "I will not rate this."]);
    const { score, judgeCost } = await scoreItem({ bench: "mt-bench", item, answer: answered(["poem", "short poem"]), judge });
    expect(score).toEqual({ ratings: [8, null] });
    expect(judgeCost).toEqual({ calls: 2, inputTokens: 20, outputTokens: 4 });
    // The second judgement sees the first turn as context.
    expect(asked[1]!.prompt).toContain("Grade only the assistant's answer to turn 2");
    expect(asked[1]!.prompt).toContain("### Assistant (turn 1)\npoem");
  });

  it("uses the reference system prompt only for turns with a reference answer", async () => {
    const withReference: EvalItem = { id: "111", category: "math", turns: ["2+2?", "Times 3?"], reference: ["4"] };
    const { judge, asked } = scriptedJudge(["[[9]]", "[[3]]"]);
    const { score } = await scoreItem({ bench: "mt-bench", item: withReference, answer: answered(["4", "12"]), judge });
    expect(score.ratings).toEqual([9, 3]);
    expect(asked.map((a) => a.system)).toEqual([SINGLE_JUDGE_WITH_REFERENCE_SYSTEM, SINGLE_JUDGE_SYSTEM]);
    expect(asked[0]!.prompt).toContain("### Reference answer\n4");
    expect(asked[1]!.prompt).not.toContain("### Reference answer");
  });

  it("gives a failed item the lowest rating per turn without asking the judge", async () => {
    const { judge, asked } = scriptedJudge([]);
    const { score, judgeCost } = await scoreItem({ bench: "mt-bench", item, answer: failed, judge });
    expect(score.ratings).toEqual([1, 1]);
    expect(asked).toHaveLength(0);
    expect(judgeCost.calls).toBe(0);
  });

  it("refuses to score without a judge", async () => {
    await expect(scoreItem({ bench: "mt-bench", item, answer: answered(["a", "b"]) })).rejects.toThrow(/needs a judge/);
  });
});

describe("scoreItem on pairwise benchmarks", () => {
  const item: EvalItem = { id: "q1", category: "c", turns: ["Explain gravity."] };
  const baselineTurns = ["Baseline says mass attracts."];

  it("plays both orders and swaps back the verdict of the game where the baseline was shown first", async () => {
    const { judge, asked } = scriptedJudge(["[[A>B]]", "[[A>>B]]"]);
    const { score } = await scoreItem({ bench: "arena-hard", item, answer: answered(["Model: curved spacetime."]), judge, baselineTurns });
    expect(asked.map((a) => a.system)).toEqual([PAIRWISE_JUDGE_SYSTEM, PAIRWISE_JUDGE_SYSTEM]);
    expect(asked[0]!.prompt).toContain("### Assistant A\nModel: curved spacetime.\n\n### Assistant B\nBaseline says mass attracts.");
    expect(asked[1]!.prompt).toContain("### Assistant A\nBaseline says mass attracts.\n\n### Assistant B\nModel: curved spacetime.");
    // Game 2: A (the baseline) much better, i.e. the model much worse.
    expect(score.games).toEqual([
      { first: "model", verdict: "A>B" },
      { first: "baseline", verdict: "B>>A" },
    ]);
    // One win (1) and one loss (0).
    expect(score.preference).toBe(0.5);
    expect(score.modelLength).toBe("Model: curved spacetime.".length);
    expect(score.baselineLength).toBe("Baseline says mass attracts.".length);
  });

  it("averages over the games with a verdict, leaving an unparsable one without a verdict", async () => {
    const { judge } = scriptedJudge(["no label at all", "[[A=B]]"]);
    const { score } = await scoreItem({ bench: "alpaca-eval", item, answer: answered(["m"]), judge, baselineTurns });
    expect(score.games).toEqual([{ first: "model" }, { first: "baseline", verdict: "A=B" }]);
    expect(score.preference).toBe(0.5);
  });

  it("asks a follow-up turn when the judge's first reply has no verdict", async () => {
    const model = new FakeListChatModel({ responses: ["A looks stronger, but let me think.", "[[A>B]]", "[[B>A]]"] });
    const judge = judgeModel({ name: "fake", model });
    const { score, judgeCost } = await scoreItem({ bench: "arena-hard", item, answer: answered(["m"]), judge, baselineTurns });
    // Game 1 needed a second call; game 2's B>A is, swapped back, a win for the model too.
    expect(judgeCost.calls).toBe(3);
    expect(score.games).toEqual([
      { first: "model", verdict: "A>B" },
      { first: "baseline", verdict: "A>B" },
    ]);
    expect(score.preference).toBe(1);
  });

  it("scores a failed item as lost without asking the judge", async () => {
    const { judge, asked } = scriptedJudge([]);
    const { score, judgeCost } = await scoreItem({ bench: "arena-hard", item, answer: failed, judge, baselineTurns });
    expect(score).toEqual({ games: [], preference: 0, modelLength: 0, baselineLength: baselineTurns[0]!.length });
    expect(asked).toHaveLength(0);
    expect(judgeCost.calls).toBe(0);
  });

  it("leaves an item whose baseline failed out of the score, without calling the judge", async () => {
    const { judge, asked } = scriptedJudge(["[[A>B]]", "[[A>B]]"]);
    const { score } = await scoreItem({ bench: "arena-hard", item, answer: answered(["m"]), judge });
    expect(score).toEqual({ games: [] });
    expect(asked).toHaveLength(0);
  });

  it("gives no preference when neither game has a readable verdict", async () => {
    const { judge } = scriptedJudge(["no idea", "still none", "nothing", "none"]);
    const { score } = await scoreItem({ bench: "arena-hard", item, answer: answered(["m"]), judge, baselineTurns: ["b"] });
    expect(score.games).toEqual([{ first: "model" }, { first: "baseline" }]);
    expect(score.preference).toBeUndefined();
  });
});

describe("judgeModel", () => {
  it("sends the follow-up after the first reply, in one conversation, and joins both replies", async () => {
    let n = 0;
    const model = new ScriptedChatModel({ reply: () => (++n === 1 ? "thinking" : "[[B>A]]") });
    const judge = judgeModel({ name: "s", model });
    const { text, cost } = await judge.ask({
      system: "sys",
      prompt: "compare",
      followUp: PAIRWISE_FOLLOW_UP,
      needsFollowUp: (reply) => !reply.includes("[["),
    });
    expect(text).toBe("thinking\n\n[[B>A]]");
    expect(model.calls[1]!.messages.map((m) => [m.getType(), m.text])).toEqual([
      ["system", "sys"],
      ["human", "compare"],
      ["ai", "thinking"],
      ["human", PAIRWISE_FOLLOW_UP],
    ]);
    // Scripted usage is word counts: inputs 2, then 1 + 1 + 1 + 14 (the follow-up); outputs 1 and 1.
    expect(cost).toEqual({ calls: 2, inputTokens: 19, outputTokens: 2 });
  });

  it("asks once when the first reply is complete", async () => {
    const model = new ScriptedChatModel({ reply: "[[A=B]]" });
    const { text, cost } = await judgeModel({ name: "s", model }).ask({
      system: "sys",
      prompt: "p",
      followUp: "more",
      needsFollowUp: () => false,
    });
    expect(text).toBe("[[A=B]]");
    expect(cost.calls).toBe(1);
    expect(model.calls).toHaveLength(1);
  });
});

describe("scoreItem by exact match", () => {
  it("marks a GSM8K answer correct by its final number and keeps what was extracted", async () => {
    const item: EvalItem = { id: "g", category: "math", turns: ["How much?"], gold: "1200" };
    const right = await scoreItem({ bench: "gsm8k", item, answer: answered(["3 * 400, so the answer is $1,200."]) });
    expect(right.score).toEqual({ correct: true, extracted: "1200" });
    const wrong = await scoreItem({ bench: "gsm8k", item, answer: answered(["It is 1100."]) });
    expect(wrong.score).toEqual({ correct: false, extracted: "1100" });
    expect(right.judgeCost).toEqual({ calls: 0, inputTokens: 0, outputTokens: 0 });
  });

  it("marks an MMLU answer by its choice letter", async () => {
    const item: EvalItem = { id: "m", category: "x", turns: ["Q"], gold: "C" };
    expect((await scoreItem({ bench: "mmlu", item, answer: answered(["The answer is (C)."]) })).score).toEqual({
      correct: true,
      extracted: "C",
    });
    expect((await scoreItem({ bench: "mmlu", item, answer: answered(["The answer is (A)."]) })).score).toEqual({
      correct: false,
      extracted: "A",
    });
  });

  it("marks a failed item wrong, with nothing extracted", async () => {
    const item: EvalItem = { id: "g", category: "math", turns: ["Q"], gold: "4" };
    expect((await scoreItem({ bench: "gsm8k", item, answer: failed })).score).toEqual({ correct: false });
  });
});
