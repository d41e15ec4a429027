import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { cosineSimilarity } from "../util/cosineSimilarity.js";
import { MoAError } from "../errors/MoAError.js";

/**
 * Cosine similarity clamped to [0, 1], so it compares with the same thresholds as lexical
 * similarity (opposite directions are simply "not similar").
 */
function clampedCosine(a: readonly number[], b: readonly number[]): number {
  return Math.min(1, Math.max(0, cosineSimilarity(a, b)));
}

/**
 * Embeds the texts in one batch with a LangChain embeddings model and returns every pairwise
 * clamped cosine similarity.
 *
 * @example
 * const matrix = await embeddingSimilarities(new OllamaEmbeddings({ model: "nomic-embed-text" }), answers);
 */
export async function embeddingSimilarities(embeddings: EmbeddingsInterface, texts: readonly string[]): Promise<number[][]> {
  if (texts.length === 0) return [];
  const vectors = await embeddings.embedDocuments([...texts]);
  if (vectors.length !== texts.length) {
    throw new MoAError(`the embeddings model returned ${vectors.length} vectors for ${texts.length} texts`, {
      code: "invalid_embeddings",
      category: "run",
    });
  }
  return vectors.map((a) => vectors.map((b) => clampedCosine(a, b)));
}
