/**
 * Characters per token assumed when no tokenizer is available. English text averages about four
 * characters per token in the BPE vocabularies of current models; code and non-Latin scripts take
 * more tokens per character, so budgets built on this estimate keep a safety margin elsewhere.
 */
export const CHARS_PER_TOKEN = 4;

/**
 * Estimated token count of `text`: its length in UTF-16 code units divided by
 * {@link CHARS_PER_TOKEN}, rounded up (so any non-empty text counts as at least one token).
 *
 * @example
 * estimateTokens("Paris is the capital."); // 6 (21 characters / 4, rounded up)
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}
