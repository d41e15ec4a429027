import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { ClusterExtractor } from "./AnswerExtractor.js";
import { embeddingSimilarities } from "./embeddingSimilarity.js";
import { lexicalSimilarities } from "./lexicalSimilarity.js";
import { ConfigError } from "../errors/ConfigError.js";

/** Options of {@link clusterExtractor}. */
export type ClusterExtractorOptions =
  { similarity: "lexical"; threshold: number } | { similarity: "embedding"; threshold: number; embeddings: EmbeddingsInterface };

/**
 * Extractor for free-text answers: responses whose similarity reaches `threshold` count as the same
 * answer. `lexical` is token-set Jaccard ({@link lexicalSimilarity}); `embedding` is the cosine of
 * the `embeddings` model's vectors. Responses are compared whole, trimmed with runs of whitespace
 * collapsed; a blank response has no answer.
 *
 * @example
 * const extractor = clusterExtractor({ similarity: "embedding", threshold: 0.85, embeddings: new OllamaEmbeddings({ model: "nomic-embed-text" }) });
 * const groups = await groupAnswers({ responses, extractor });
 */
export function clusterExtractor(options: ClusterExtractorOptions): ClusterExtractor {
  const { threshold } = options;
  if (!(Number.isFinite(threshold) && threshold >= 0 && threshold <= 1)) {
    throw new ConfigError([{ path: "threshold", message: `expected a number from 0 to 1, got ${threshold}` }], "cluster extractor");
  }
  const extract = (text: string) => text.replace(/\s+/gu, " ").trim() || undefined;
  if (options.similarity === "lexical") {
    return { kind: "cluster", name: "cluster:lexical", threshold, extract, similarities: async (texts) => lexicalSimilarities(texts) };
  }
  const { embeddings } = options;
  if (typeof embeddings?.embedDocuments !== "function") {
    throw new ConfigError(
      [{ path: "embeddings", message: 'similarity "embedding" needs an `embeddings` model (a LangChain Embeddings)' }],
      "cluster extractor",
    );
  }
  return {
    kind: "cluster",
    name: "cluster:embedding",
    threshold,
    extract,
    similarities: (texts) => embeddingSimilarities(embeddings, texts),
  };
}
