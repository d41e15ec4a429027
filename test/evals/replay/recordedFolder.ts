// Writes tiny RouteLLM-shaped recordings to a temporary folder, so replay results can be computed by hand.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { STRONG, WEAK } from "../../../evals/replay/evaluateRouters.js";

/** One GSM8K item: both models' responses and the dataset's flags (default: our number grading). */
export interface Gsm8kRow {
  question: string;
  gold: string;
  strong: string;
  weak: string;
  strongFlag?: boolean;
  weakFlag?: boolean;
}

/** One MMLU item: the prompt and both models' grades. */
export interface MmluRow {
  prompt: string;
  strongCorrect: boolean;
  weakCorrect: boolean;
}

const lastNumber = (text: string) => text.match(/\d+/g)?.at(-1);

/**
 * Writes `gsm8k_responses.jsonl` and, when `mmlu` rows are given, `mmlu/tiny.jsonl`; returns the folder.
 *
 * @example
 * const folder = writeRecordedFolder({ gsm8k: [{ question: "1+1?", gold: "2", strong: "#### 2", weak: "#### 3" }] });
 */
export function writeRecordedFolder({ gsm8k, mmlu }: { gsm8k?: readonly Gsm8kRow[]; mmlu?: readonly MmluRow[] }): string {
  const folder = mkdtempSync(path.join(tmpdir(), "moa-replay-"));
  if (gsm8k) {
    const lines = gsm8k.map((row, i) =>
      JSON.stringify({
        id: `gsm8k/test/${i}`,
        question: row.question,
        gold_answer: row.gold,
        correct: {
          [STRONG]: row.strongFlag ?? lastNumber(row.strong) === row.gold,
          [WEAK]: row.weakFlag ?? lastNumber(row.weak) === row.gold,
        },
        response: { [STRONG]: row.strong, [WEAK]: row.weak },
      }),
    );
    writeFileSync(path.join(folder, "gsm8k_responses.jsonl"), `${lines.join("\n")}\n`);
  }
  if (mmlu) {
    mkdirSync(path.join(folder, "mmlu"));
    const lines = mmlu.map((row, i) =>
      JSON.stringify({
        id: `mmlu/tiny/${i}`,
        subject: "tiny",
        prompt: row.prompt,
        correct: { [STRONG]: row.strongCorrect, [WEAK]: row.weakCorrect },
      }),
    );
    writeFileSync(path.join(folder, "mmlu", "tiny.jsonl"), `${lines.join("\n")}\n`);
  }
  return folder;
}

/**
 * Four items covering every gate case (the weak model is the first expert, the strong one the stand-in):
 * 1. both answer 5, gold 5 (agree, right); 2. both answer 7, gold 8 (agree, wrong);
 * 3. strong 3, weak 4, gold 3 (split; the weak model wins the split); 4. strong 9, weak no number, gold 9.
 * The dataset's flag for item 4's strong answer is set wrong on purpose (7 of 8 flags agree with ours).
 */
export const FOUR_GATE_ITEMS: readonly Gsm8kRow[] = [
  { question: "Two plus three apples?", gold: "5", strong: "2 + 3 = 5\n#### 5", weak: "So 5.\n#### 5" },
  { question: "How many legs do four ducks have?", gold: "8", strong: "#### 7", weak: "They have 7.\n#### 7" },
  { question: "How much is 6 / 2?", gold: "3", strong: "#### 3", weak: "#### 4" },
  { question: "Nine?", gold: "9", strong: "The answer is 9", weak: "I cannot tell.", strongFlag: false },
];
