/**
 * Token-set Jaccard similarity: |shared words| / |all words|, over lower-cased runs of letters and
 * digits. Word order, repetition and punctuation are ignored, so "Paris is the capital of France"
 * and "The capital of France is Paris." score 1. Two texts without any word score 1 when equal.
 *
 * Chosen over cosine of word counts because the answers compared are short: repetition carries
 * little signal there, and a set measure is easier to reason about when picking a threshold
 * (0.5 = half of the combined vocabulary is shared).
 *
 * @example
 * lexicalSimilarity("Paris, France", "It is Paris"); // 0.25 (1 shared of 4 words)
 */
export function lexicalSimilarity(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  if (left.size === 0 && right.size === 0) return a === b ? 1 : 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared);
}

/**
 * All pairwise {@link lexicalSimilarity} values.
 *
 * @example
 * const matrix = lexicalSimilarities(["a b", "b c"]); // [[1, 1/3], [1/3, 1]]
 */
export function lexicalSimilarities(texts: readonly string[]): number[][] {
  return texts.map((a) => texts.map((b) => lexicalSimilarity(a, b)));
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}
