import { extractChoice } from "../../src/voting/extractChoice.js";
import { extractNumber } from "../../src/voting/extractNumber.js";

/**
 * GSM8K exact match: the answer's final number (the `####` line, a boxed answer, "the answer is", else the
 * last number) equals the gold answer's, both canonical (no thousands commas, currency or trailing zeros).
 *
 * @example
 * gsm8kCorrect({ answer: "... so she pays $1,200.", gold: "... #### 1200" }); // true
 */
export function gsm8kCorrect({ answer, gold }: { answer: string; gold: string }): boolean {
  const expected = extractNumber(gold);
  if (expected === undefined) throw new RangeError(`the gold answer holds no number: ${gold.slice(-60)}`);
  return extractNumber(answer) === expected;
}

/**
 * MMLU exact match: the choice letter the answer gives (A to D) is the gold letter.
 *
 * @example
 * mmluCorrect({ answer: "The answer is (C).", gold: "C" }); // true
 */
export function mmluCorrect({ answer, gold }: { answer: string; gold: string }): boolean {
  return extractChoice(answer, ["A", "B", "C", "D"]) === gold.trim().toUpperCase();
}
