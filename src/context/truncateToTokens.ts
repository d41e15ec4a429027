import type { TokenCounter } from "../models/tokenCounter.js";

// Counts per cut: enough to land within a few characters of the best cut, while a cut of a very
// long text through a real tokenizer stays well under a second.
const MAX_COUNTS = 16;

/**
 * The longest prefix of `text` found that counts at most `maxTokens` tokens, cut from the end.
 * Counting is a black box (a tokenizer), so the cut point is searched: first guessed from the
 * characters per token seen, then narrowed between the longest prefix known to fit and the
 * shortest known not to. It never ends on half of a surrogate pair.
 *
 * @example
 * await truncateToTokens("abcdefghij", 2, ESTIMATE_COUNTER); // "abcdefgh"
 */
export async function truncateToTokens(text: string, maxTokens: number, counter: TokenCounter): Promise<string> {
  if (maxTokens <= 0) return "";
  const tokens = await counter.count(text);
  if (tokens <= maxTokens) return text;
  let fits = 0;
  let tooLong = text.length;
  let guess = Math.floor((text.length * maxTokens) / tokens);
  for (let counted = 1; counted < MAX_COUNTS && tooLong - fits > 1; counted++) {
    if (guess <= fits || guess >= tooLong) guess = Math.floor((fits + tooLong) / 2);
    const n = await counter.count(text.slice(0, guess));
    if (n <= maxTokens) fits = guess;
    else tooLong = guess;
    guess = n > 0 ? Math.floor((guess * maxTokens) / n) : tooLong - 1;
  }
  if (fits > 0 && isHighSurrogate(text.charCodeAt(fits - 1))) fits--;
  return text.slice(0, fits);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
