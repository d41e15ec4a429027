import { MoAError } from "../errors/MoAError.js";

/**
 * Cosine similarity of two vectors of equal length, in [-1, 1]; 0 when either is the zero vector
 * (an empty or all-stopword text can embed to zeros, and must not divide by zero).
 *
 * @example
 * cosineSimilarity([1, 0], [1, 1]); // 0.7071...
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    // Vectors come from an embeddings model: different lengths mean it answered inconsistently.
    throw new MoAError(`cannot compare embedding vectors of length ${a.length} and ${b.length}`, {
      code: "invalid_embeddings",
      category: "run",
    });
  }
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
