import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors/ConfigError.js";
import { mmluItems, parseAlpacaEval, parseArenaHard, parseGsm8k, parseMtBench } from "../../../evals/datasets/parseBenchmark.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "moa-parse-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function jsonl(name: string, rows: unknown[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
  return file;
}

describe("parseMtBench", () => {
  it("attaches the reference answers to math, reasoning and coding questions only", async () => {
    const categories = ["math", "writing", "reasoning", "roleplay", "coding"];
    const questions = jsonl(
      "question.jsonl",
      categories.map((category, i) => ({ question_id: 81 + i, category, turns: [`${category} 1`, `${category} 2`] })),
    );
    const references = jsonl(
      "reference.jsonl",
      categories.map((category, i) => ({ question_id: 81 + i, choices: [{ turns: [`ref ${category} 1`, `ref ${category} 2`] }] })),
    );
    const items = await parseMtBench({ questions, references });
    expect(items.map((item) => [item.id, item.category, item.reference])).toEqual([
      ["81", "math", ["ref math 1", "ref math 2"]],
      ["82", "writing", undefined],
      ["83", "reasoning", ["ref reasoning 1", "ref reasoning 2"]],
      ["84", "roleplay", undefined],
      ["85", "coding", ["ref coding 1", "ref coding 2"]],
    ]);
    expect(items[1]).not.toHaveProperty("reference");
    expect(items[0]!.turns).toEqual(["math 1", "math 2"]);
  });

  it("loads the questions without references when none are given", async () => {
    const questions = jsonl("question.jsonl", [{ question_id: 1, category: "math", turns: ["2+2?"] }]);
    expect(await parseMtBench({ questions })).toEqual([{ id: "1", category: "math", turns: ["2+2?"] }]);
  });
});

describe("parseArenaHard", () => {
  const question = (id: string) => ({ question_id: id, cluster: "c", turns: [{ content: `prompt ${id}` }] });
  const answer = (id: string) => ({ question_id: id, model_id: "gpt-4-0314", choices: [{ turns: [{ content: `answer ${id}` }] }] });

  it("pairs each question with the recorded baseline answer", async () => {
    const items = await parseArenaHard({
      questions: jsonl("question.jsonl", [question("q1")]),
      baseline: jsonl("baseline.jsonl", [answer("q1")]),
    });
    expect(items).toEqual([{ id: "q1", category: "c", turns: ["prompt q1"], baseline: { model: "gpt-4-0314", turns: ["answer q1"] } }]);
  });

  it("refuses a question whose baseline answer is missing, naming it", async () => {
    const parsing = parseArenaHard({
      questions: jsonl("question.jsonl", [question("q1"), question("q2")]),
      baseline: jsonl("baseline.jsonl", [answer("q1")]),
    });
    await expect(parsing).rejects.toThrow(ConfigError);
    await expect(parsing).rejects.toThrow(/has no baseline answer for question q2/);
  });
});

describe("parseAlpacaEval", () => {
  const rows = [
    { instruction: "Write a haiku.", output: "Leaves fall.", generator: "gpt4_1106_preview", dataset: "helpful_base" },
    { instruction: "Name a prime.", output: "7", generator: "gpt4_1106_preview", dataset: "oasst" },
    { instruction: "Say hi.", output: "Hi!", generator: "gpt4_1106_preview", dataset: "koala" },
  ];
  const write = (name: string, list: unknown[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(list));
    return file;
  };

  it("gives every instruction the same id whatever the row order", async () => {
    const forward = await parseAlpacaEval({ file: write("a.json", rows) });
    const backward = await parseAlpacaEval({ file: write("b.json", [...rows].reverse()) });
    const idOf = (items: typeof forward) => Object.fromEntries(items.map((item) => [item.turns[0], item.id]));
    expect(idOf(backward)).toEqual(idOf(forward));
    expect(new Set(forward.map((item) => item.id)).size).toBe(3);
    for (const item of forward) expect(item.id).toMatch(/^alpaca-[0-9a-f]{12}$/);
  });

  it("keeps the output as the baseline's answer and the dataset as the category", async () => {
    const [first] = await parseAlpacaEval({ file: write("a.json", rows.slice(0, 1)) });
    expect(first).toMatchObject({
      category: "helpful_base",
      turns: ["Write a haiku."],
      baseline: { model: "gpt4_1106_preview", turns: ["Leaves fall."] },
    });
  });
});

describe("parseGsm8k", () => {
  it("takes the gold answer from after ####, without thousands commas and keeping the sign", async () => {
    const file = jsonl("test.jsonl", [
      { question: "How much?", answer: "3 * 400 = <<3*400=1200>>1200 so 1,200 in all.\n#### 1,200" },
      { question: "How cold?", answer: "It drops 8 from 3, 3 - 8 = -5\n#### -5" },
      { question: "How many?", answer: "2 + 2 = 4\n#### 4" },
    ]);
    const items = await parseGsm8k({ file });
    expect(items.map((item) => item.gold)).toEqual(["1200", "-5", "4"]);
    expect(items[0]).toMatchObject({ category: "math", turns: ["How much?"] });
  });

  it("refuses an answer without a final number", async () => {
    const file = jsonl("test.jsonl", [{ question: "Q?", answer: "no number here" }]);
    await expect(parseGsm8k({ file })).rejects.toThrow(/line 1\.answer/);
  });
});

describe("mmluItems", () => {
  const choices = ["3", "4", "5", "6"];

  it("reads the gold letter from a numeric or a letter answer", () => {
    const items = mmluItems({
      source: "s",
      rows: [
        { question: "2+2?", subject: "math", choices, answer: 1 },
        { question: "2+4?", subject: "math", choices, answer: "D" },
        { question: "1+2?", subject: "math", choices, answer: 0 },
      ],
    });
    expect(items.map((item) => item.gold)).toEqual(["B", "D", "A"]);
    expect(items[0]!.turns).toEqual(["2+2?\nA. 3\nB. 4\nC. 5\nD. 6\nAnswer with the letter of the correct choice."]);
    expect(items[0]!.category).toBe("math");
  });

  it("leaves out rows without a usable gold answer or without four choices", () => {
    const items = mmluItems({
      source: "s",
      rows: [
        { question: "out of range", subject: "x", choices, answer: 4 },
        { question: "no gold", subject: "x", choices, answer: -1 },
        { question: "letter E", subject: "x", choices, answer: "E" },
        { question: "three choices", subject: "x", choices: ["a", "b", "c"], answer: 0 },
        { question: "kept", subject: "x", choices, answer: 2 },
      ],
    });
    expect(items).toHaveLength(1);
    expect(items[0]!.turns[0]).toMatch(/^kept\n/);
    expect(items[0]!.gold).toBe("C");
  });

  it("gives a repeated question distinct ids, numbered in order", () => {
    const row = { question: "Same?", subject: "logic", choices, answer: 0 };
    const items = mmluItems({ source: "s", rows: [row, row, row] });
    const base = items[0]!.id;
    expect(base).toMatch(/^mmlu-logic-[0-9a-f]{12}$/);
    expect(items.map((item) => item.id)).toEqual([base, `${base}-2`, `${base}-3`]);
  });

  it("keeps a row's own id", () => {
    const [item] = mmluItems({ source: "s", rows: [{ id: "abc", question: "Q", subject: "x", choices, answer: 3 }] });
    expect(item!.id).toBe("abc");
  });
});
