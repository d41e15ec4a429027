import type { KeyExtractor } from "./AnswerExtractor.js";

/**
 * One number as written in a math answer: an optional sign (before or after a currency symbol),
 * either comma-grouped thousands ("1,234,567") or plain digits, and an optional decimal part. A
 * following "%" or unit is left alone. It may not start inside a word or another number ("x2",
 * "1.2.3"), and a "-" right after a digit is subtraction ("16-7"), not a sign.
 */
const NUMBER_SOURCE = String.raw`(?<![\p{L}\p{N}])(?<!\d[.,])([-−]?)(?:([$€£])\s?)?([-−]?)(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(\d+))?`;
const NUMBERS = new RegExp(NUMBER_SOURCE, "gu");

/** GSM8K's own answer marker; the strongest signal, so it is checked first. */
const HASHES = /####[ \t]*([^\n]*)/gu;
/** `\boxed{...}` with one level of nested braces (`\boxed{\$1{,}200}`: LaTeX's "{,}" is a thousands comma). */
const BOXED = /\\boxed\s*\{((?:[^{}]|\{[^{}]*\})*)\}/gu;
/**
 * "The answer is 42", "Final answer: $1,200", "answer = **7**": the number must follow directly. The
 * rest of the line is captured in a lookahead so a later "answer is" on the same line is still seen.
 */
const ANSWER_IS = /\banswer\b(?:\s+is)?\s*[:=]?\s*(?:\*\*)?\s*(?=([^\n]*))/giu;
/** "The answer is 66 - 10 = 56": the number after "answer is" is an operand, not the answer. */
const EXPRESSION_FOLLOWS = /^\s*[-−+*/×x÷=]\s*[$\d(]/u;

/**
 * Extracts the final numeric answer of a math response (GSM8K style) and returns it canonical:
 * no thousands separators, currency or "%", no trailing zeros after the decimal point ("3.50" ->
 * "3.5", "1,200.00" -> "1200"), "-" for negatives. Prefers, in order: the last "#### n", the last
 * `\boxed{n}`, the last "the answer is n"; otherwise the last number in the text. Returns
 * `undefined` when the text has no number.
 *
 * @example
 * extractNumber("9 * $2 = $18 a day.\n#### 18"); // "18"
 * extractNumber("She is $1,200.50 short, i.e. 4.5% of it."); // "4.5"
 * extractNumber("The answer is -12."); // "-12"
 */
export function extractNumber(text: string): string | undefined {
  return (
    lastMarked(text, HASHES, firstNumber) ??
    lastMarked(text, BOXED, (box) => firstNumber(box.replaceAll("{,}", ","))) ??
    lastMarked(text, ANSWER_IS, leadingNumber) ??
    lastNumber(text)
  );
}

/**
 * Wraps {@link extractNumber} as an extractor.
 *
 * @example
 * numberExtractor().extract("\\boxed{72}"); // "72"
 */
export function numberExtractor(): KeyExtractor {
  return { kind: "key", name: "number", extract: extractNumber };
}

/**
 * Canonical form of one number token's parts; see {@link extractNumber}. Works on the digit strings,
 * never through floating point, so "0.1" stays "0.1" and long integers keep every digit.
 */
function canonical(negative: boolean, integer: string, fraction: string | undefined): string {
  const whole = integer.replaceAll(",", "").replace(/^0+(?=\d)/u, "");
  const decimals = (fraction ?? "").replace(/0+$/u, "");
  const digits = decimals === "" ? whole : `${whole}.${decimals}`;
  const zero = /^[0.]+$/u.test(digits);
  return negative && !zero ? `-${digits}` : digits;
}

function fromMatch(match: RegExpExecArray | RegExpMatchArray): string {
  const [, signBefore = "", , signAfter = "", integer = "0", fraction] = match;
  return canonical(signBefore !== "" || signAfter !== "", integer, fraction);
}

function firstNumber(segment: string): string | undefined {
  const match = new RegExp(NUMBER_SOURCE, "u").exec(segment);
  return match ? fromMatch(match) : undefined;
}

/** The number at the very start of `segment` (after blanks), unless it starts an expression. */
function leadingNumber(segment: string): string | undefined {
  const match = new RegExp(`^${NUMBER_SOURCE}`, "u").exec(segment);
  if (!match || EXPRESSION_FOLLOWS.test(segment.slice(match[0].length))) return undefined;
  return fromMatch(match);
}

function lastNumber(text: string): string | undefined {
  let last: RegExpMatchArray | undefined;
  for (const match of text.matchAll(NUMBERS)) last = match;
  return last ? fromMatch(last) : undefined;
}

/** The last marker whose captured text yields a number under `read`. */
function lastMarked(text: string, marker: RegExp, read: (segment: string) => string | undefined): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(marker)) {
    const value = read(match[1] ?? "");
    if (value !== undefined) found = value;
  }
  return found;
}
