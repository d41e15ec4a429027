import type { KeyExtractor } from "./AnswerExtractor.js";
import { ConfigError } from "../errors/ConfigError.js";

/** Choices of a four-option multiple-choice question (MMLU). */
export const DEFAULT_CHOICES: readonly string[] = ["A", "B", "C", "D"];

/**
 * A declaration: "The answer is (B)", "Answer: b", "the correct option is **C**", "answer: option D".
 * A verb or colon must follow "answer" ("to answer A's question" declares nothing). The letter may
 * be lower case here; {@link isDeclaredLetter} then checks it is not the article "a".
 */
const DECLARATION =
  /\b(?:answer|correct (?:option|choice))\b(?:\s+(?:is|would be|should be|must be|will be)\s*:?|\s*[:=])\s*(?:(?:option|choice|letter)\s+)?(\*{0,2})\s*([([]?)\s*([A-Za-z])\s*([)\]]?)\s*\*{0,2}(?![\p{L}\p{N}'’])/giu;

/**
 * Mentions formatted as an option; upper-case letters only, so prose never counts ("a dog", "I think"):
 * "**B**", "(C)", "[C]", "B) ..." or "B. ..." at the start of a line, "option B", "choice B".
 */
const MENTIONS: readonly RegExp[] = [
  /\*\*\s*[([]?([A-Z])[)\]]?[.:)]?\s*\*\*/gu,
  /(?<![\p{L}\p{N}])[([]([A-Z])[)\]](?![\p{L}\p{N}])/gu,
  /^[ \t>*-]*([A-Z])[.):](?=\s|$)/gmu,
  /\b[Oo]ption\s+([A-Z])(?![\p{L}\p{N}'’])/gu,
  /\b[Cc]hoice\s+([A-Z])(?![\p{L}\p{N}'’])/gu,
];

/** A response that is nothing but a letter: "B", "(b)", "**C**", "D." */
const WHOLE = /^\s*\**\s*[([]?\s*([A-Za-z])\s*[)\]]?\s*[.:]?\s*\**\s*$/u;

/** After an unbracketed lower-case letter: end of line or text, or punctuation that ends a clause. */
const CLAUSE_END = /^[ \t]*(?:$|\n|[.,;:!?](?:\s|$))/u;

/**
 * Extracts a multiple-choice letter. Declarations ("the answer is (B)", "Answer: b") win over mere
 * mentions ("**B**", "(C)", "B) ...", "option B"), and within each kind the last one wins, so a
 * response that states its answer and then discusses the other options still yields its answer.
 * Letters outside `choices` are ignored. Returns the upper-case letter, or `undefined`.
 *
 * @example
 * extractChoice("Option A is tempting, but the answer is (B)."); // "B"
 * extractChoice("I think a dog would do."); // undefined
 * extractChoice("**C** is best", ["A", "B", "C", "D", "E"]); // "C"
 */
export function extractChoice(text: string, choices: readonly string[] = DEFAULT_CHOICES): string | undefined {
  const allowed = choiceSet(choices);
  const whole = WHOLE.exec(text)?.[1]?.toUpperCase();
  if (whole !== undefined && allowed.has(whole)) return whole;

  let declared: string | undefined;
  for (const match of text.matchAll(DECLARATION)) {
    const [all, boldOpen = "", open = "", letter = "", close = ""] = match;
    const upper = letter.toUpperCase();
    if (!allowed.has(upper)) continue;
    const wrapped = boldOpen !== "" || open !== "" || close !== "";
    if (isDeclaredLetter(letter, wrapped, text.slice(match.index + all.length))) declared = upper;
  }
  if (declared !== undefined) return declared;

  let last: { index: number; letter: string } | undefined;
  for (const pattern of MENTIONS) {
    for (const match of text.matchAll(pattern)) {
      const letter = match[1];
      if (letter === undefined || !allowed.has(letter)) continue;
      if (last === undefined || match.index > last.index) last = { index: match.index, letter };
    }
  }
  return last?.letter;
}

/**
 * Wraps {@link extractChoice} as an extractor.
 *
 * @example
 * const extractor = choiceExtractor(["A", "B", "C"]);
 * extractor.extract("Answer: c"); // "C"
 */
export function choiceExtractor(choices: readonly string[] = DEFAULT_CHOICES): KeyExtractor {
  choiceSet(choices); // fail at creation, not at the first response
  return { kind: "key", name: "choice", extract: (text) => extractChoice(text, choices) };
}

/**
 * "The answer is B because" is a declaration; "the answer is a matter of taste" is not. An upper-case
 * or bracketed letter always counts; a bare lower-case one only when the clause ends right after it.
 */
function isDeclaredLetter(letter: string, wrapped: boolean, after: string): boolean {
  if (wrapped || letter === letter.toUpperCase()) return true;
  return CLAUSE_END.test(after);
}

function choiceSet(choices: readonly string[]): Set<string> {
  if (choices.length === 0) throw new ConfigError([{ path: "choices", message: "expected at least one letter" }], "choice extractor");
  const set = new Set<string>();
  for (const choice of choices) {
    if (!/^[A-Za-z]$/.test(choice)) {
      throw new ConfigError(
        [{ path: "choices", message: `each choice must be a single letter, got ${JSON.stringify(choice)}` }],
        "choice extractor",
      );
    }
    set.add(choice.toUpperCase());
  }
  return set;
}
