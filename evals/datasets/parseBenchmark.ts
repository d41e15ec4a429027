import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ConfigError } from "../../src/errors/ConfigError.js";
import { readJsonl } from "../../src/testing/replay/readJsonl.js";
import { extractNumber } from "../../src/voting/extractNumber.js";
import type { EvalItem } from "../types.js";

const LETTERS = ["A", "B", "C", "D"] as const;
// MT-Bench's reference answers are given to the judge for these categories only, as FastChat does.
const REFERENCE_CATEGORIES = new Set(["math", "reasoning", "coding"]);

type Row = Record<string, unknown>;

function fail(file: string, where: string, message: string): never {
  throw new ConfigError([{ path: where, message }], file);
}

function text(row: Row, field: string, file: string, where: string): string {
  const value = row[field];
  if (typeof value !== "string" || value.trim() === "") fail(file, `${where}.${field}`, "expected a non-empty string");
  return value;
}

/** A short stable id from content, for datasets whose rows carry none (resuming must not depend on row order). */
function contentId(prefix: string, content: string): string {
  return `${prefix}-${createHash("sha256").update(content).digest("hex").slice(0, 12)}`;
}

async function rows(file: string): Promise<Array<{ where: string; row: Row }>> {
  return (await readJsonl(file)).map(({ line, value }) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(file, `line ${line}`, "expected a JSON object");
    return { where: `line ${line}`, row: value as Row };
  });
}

/**
 * MT-Bench (FastChat's `question.jsonl`): two turns per question; with the GPT-4 reference answers
 * (`reference_answer_gpt-4.jsonl`), math, reasoning and coding questions are judged against them.
 *
 * @example
 * const items = await parseMtBench({ questions: "mt_bench/question.jsonl", references: "mt_bench/reference_answer_gpt-4.jsonl" });
 */
export async function parseMtBench({ questions, references }: { questions: string; references?: string }): Promise<EvalItem[]> {
  const referenceOf = new Map<string, string[]>();
  if (references)
    for (const { where, row } of await rows(references)) {
      const turns = (row.choices as Array<{ turns?: unknown }> | undefined)?.[0]?.turns;
      if (!Array.isArray(turns) || !turns.every((t) => typeof t === "string"))
        fail(references, `${where}.choices[0].turns`, "expected strings");
      referenceOf.set(String(row.question_id), turns as string[]);
    }
  return (await rows(questions)).map(({ where, row }) => {
    const turns = row.turns;
    if (!Array.isArray(turns) || turns.length === 0 || !turns.every((t) => typeof t === "string"))
      fail(questions, `${where}.turns`, "expected a list of strings");
    const id = String(row.question_id ?? fail(questions, `${where}.question_id`, "required"));
    const category = text(row, "category", questions, where);
    // FastChat's judge reads the GPT-4 reference answers; a question's own short `reference` is the fallback.
    const reference = REFERENCE_CATEGORIES.has(category) ? (referenceOf.get(id) ?? (row.reference as string[] | undefined)) : undefined;
    return { id, category, turns: turns as string[], ...(reference ? { reference } : {}) };
  });
}

/**
 * Arena-Hard v0.1 (`question.jsonl`) with the recorded gpt-4-0314 answers as the baseline.
 *
 * @example
 * const items = await parseArenaHard({ questions: "question.jsonl", baseline: "model_answer_gpt-4-0314.jsonl" });
 */
export async function parseArenaHard({ questions, baseline }: { questions: string; baseline: string }): Promise<EvalItem[]> {
  const answers = new Map<string, { model: string; turns: string[] }>();
  for (const { where, row } of await rows(baseline)) {
    const turns = (row.choices as Array<{ turns?: Array<{ content?: unknown }> }> | undefined)?.[0]?.turns?.map((t) => t.content);
    if (!turns || !turns.every((t) => typeof t === "string")) fail(baseline, `${where}.choices[0].turns`, "expected {content} turns");
    answers.set(String(row.question_id), { model: String(row.model_id ?? "baseline"), turns: turns as string[] });
  }
  return (await rows(questions)).map(({ where, row }) => {
    const id = String(row.question_id ?? fail(questions, `${where}.question_id`, "required"));
    const turns = (row.turns as Array<{ content?: unknown }> | undefined)?.map((t) => t.content);
    if (!turns || turns.length === 0 || !turns.every((t) => typeof t === "string"))
      fail(questions, `${where}.turns`, "expected {content} turns");
    const recorded = answers.get(id);
    if (!recorded) fail(baseline, "", `has no baseline answer for question ${id}`);
    return { id, category: typeof row.cluster === "string" ? row.cluster : "arena-hard", turns: turns as string[], baseline: recorded };
  });
}

/**
 * AlpacaEval: a JSON list of `{instruction, output, generator, dataset}` (a leaderboard model's
 * `model_outputs.json`, or the Hugging Face `alpaca_eval.json`); `output` is the baseline's answer.
 *
 * @example
 * const items = await parseAlpacaEval({ file: "model_outputs.json" });
 */
export async function parseAlpacaEval({ file }: { file: string }): Promise<EvalItem[]> {
  let list: unknown;
  try {
    list = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    fail(file, "", `not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(list)) fail(file, "", "expected a JSON list of {instruction, output, generator}");
  return list.map((value: unknown, i) => {
    const row = (typeof value === "object" && value !== null ? value : {}) as Row;
    const where = `[${i}]`;
    const instruction = text(row, "instruction", file, where);
    const output = text(row, "output", file, where);
    return {
      id: contentId("alpaca", instruction),
      category: typeof row.dataset === "string" ? row.dataset : "alpaca-eval",
      turns: [instruction],
      baseline: { model: typeof row.generator === "string" ? row.generator : "baseline", turns: [output] },
    };
  });
}

/**
 * GSM8K (`test.jsonl`): the gold answer is the number after `####`.
 *
 * @example
 * const items = await parseGsm8k({ file: "gsm8k/test.jsonl" }); // 1319 items
 */
export async function parseGsm8k({ file }: { file: string }): Promise<EvalItem[]> {
  return (await rows(file)).map(({ where, row }) => {
    const question = text(row, "question", file, where);
    const answer = text(row, "answer", file, where);
    const gold = extractNumber(answer.split("####").at(-1) ?? "");
    if (gold === undefined) fail(file, `${where}.answer`, "expected a worked answer ending in `#### <number>`");
    return { id: contentId("gsm8k", question), category: "math", turns: [question], gold };
  });
}

/** One MMLU question in any of the accepted shapes. */
export interface MmluRow {
  question: string;
  subject: string;
  choices: string[];
  /** 0..3 or "A".."D". */
  answer: number | string;
  id?: string;
}

/**
 * MMLU rows (from the Hugging Face parquet, a JSONL file, or RouteLLM's per-subject files) as items
 * whose prompt lists the four choices and asks for a letter; rows without a gold answer are left out.
 *
 * @example
 * mmluItems({ rows: [{ question: "2+2?", subject: "math", choices: ["3", "4", "5", "6"], answer: 1 }] })[0].gold; // "B"
 */
export function mmluItems({ rows: list, source }: { rows: MmluRow[]; source: string }): EvalItem[] {
  const seen = new Map<string, number>();
  return list.flatMap((row, i) => {
    const gold = typeof row.answer === "number" ? LETTERS[row.answer] : LETTERS.find((letter) => letter === row.answer);
    if (gold === undefined || row.choices.length !== 4) return [];
    if (typeof row.question !== "string") fail(source, `[${i}].question`, "expected a string");
    const choices = row.choices.map((choice, k) => `${LETTERS[k]}. ${choice}`).join("\n");
    const prompt = `${row.question.trim()}\n${choices}\nAnswer with the letter of the correct choice.`;
    // The same question can appear twice in a subject: number repeats so ids stay unique and stable.
    const base = row.id ?? contentId(`mmlu-${row.subject}`, `${row.question}\n${choices}`);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return [{ id: count === 1 ? base : `${base}-${count}`, category: row.subject, turns: [prompt], gold }];
  });
}
