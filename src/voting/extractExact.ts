import type { KeyExtractor } from "./AnswerExtractor.js";

/** Characters that wrap an answer without being part of it: quotes and markdown emphasis. */
const WRAPPERS_START = /^[\s"'`“”‘’«»*_]+/u;
/** The same at the end, plus sentence punctuation ("Paris." == "Paris"). */
const WRAPPERS_END = /[\s"'`“”‘’«»*_.,;:!?]+$/u;
/** "the answer is", "the final answer is:", "answer:"; not "answer the phone" or "answers vary". */
const LEAD_IN = /^(?:the )?(?:final )?answer(?: is\b ?:?| ?:)\s*/u;
const BRACKETS: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };

/**
 * Normalises a short free-text answer for exact comparison: lower case, runs of whitespace
 * collapsed, a leading "the answer is" (or "answer:") removed, and surrounding quotes, markdown
 * emphasis, sentence punctuation and one pair of enclosing brackets stripped. A leading "-" is kept
 * ("-5" stays a negative number). Returns `undefined` when nothing is left.
 *
 * @example
 * normalizeExact('  The answer is "Paris". '); // "paris"
 * normalizeExact("(B)"); // "b"
 * normalizeExact("  ...  "); // undefined
 */
export function normalizeExact(text: string): string | undefined {
  let value = text.toLowerCase().replace(/\s+/gu, " ").trim();
  let previous: string | undefined;
  // Wrappers can nest in any order ('**"Paris."**', 'answer: "x"'), so strip until nothing changes.
  while (value !== previous) {
    previous = value;
    value = value.replace(WRAPPERS_START, "").replace(WRAPPERS_END, "").replace(LEAD_IN, "");
    value = unwrapBrackets(value);
  }
  return value === "" ? undefined : value;
}

/**
 * Wraps {@link normalizeExact} as an extractor.
 *
 * @example
 * exactExtractor().extract("**Paris**"); // "paris"
 */
export function exactExtractor(): KeyExtractor {
  return { kind: "key", name: "exact", extract: normalizeExact };
}

/** "(b)" -> "b", but "(a) or (b)" stays: its first bracket closes before the end. */
function unwrapBrackets(value: string): string {
  const open = value[0];
  const close = open === undefined ? undefined : BRACKETS[open];
  if (close === undefined || !value.endsWith(close)) return value;
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === open) depth++;
    else if (value[i] === close) depth--;
    if (depth === 0 && i < value.length - 1) return value;
  }
  return value.slice(1, -1).trim();
}
