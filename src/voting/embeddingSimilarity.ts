import type { EmbeddingsInterface } from "@langchain/core/embeddings";

/**
 * Cosine similarity of two vectors, clamped to [0, 1] so it compares with the same thresholds as
 * lexical similarity (opposite directions are simply "not similar"). A zero vector is similar to
 * nothing.
 *
 * @example
 * cosineSimilarity([1, 0], [1, 1]); // 0.7071...
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    throw new RangeError(`cosineSimilarity: vectors differ in length (${a.length} and ${b.length})`);
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
  if (normA === 0 || normB === 0) return 0;
  return Math.min(1, Math.max(0, dot / Math.sqrt(normA * normB)));
}

/**
 * Embeds the texts in one batch with a LangChain embeddings model and returns every pairwise
 * {@link cosineSimilarity}.
 *
 * @example
 * const matrix = await embeddingSimilarities(new OllamaEmbeddings({ model: "nomic-embed-text" }), answers);
 */
export async function embeddingSimilarities(
  embeddings: EmbeddingsInterface,
  texts: readonly string[],
): Promise<number[][]> {
  if (texts.length === 0) return [];
  const vectors = await embeddings.embedDocuments([...texts]);
  if (vectors.length !== texts.length) {
    throw new Error(`embeddings returned ${vectors.length} vectors for ${texts.length} texts`);
  }
  return vectors.map((a) => vectors.map((b) => cosineSimilarity(a, b)));
}
