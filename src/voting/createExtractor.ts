import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { AnswerExtractor } from "./AnswerExtractor.js";
import { clusterExtractor } from "./clusterExtractor.js";
import { choiceExtractor } from "./extractChoice.js";
import { exactExtractor } from "./extractExact.js";
import { numberExtractor } from "./extractNumber.js";
import { ConfigError } from "../errors/ConfigError.js";

/** Multiple-choice letters; `choices` defaults to A to D. */
export interface ChoiceExtractorSpec {
  type: "choice";
  choices?: string[];
}

/** The final number of a math answer (GSM8K). */
export interface NumberExtractorSpec {
  type: "number";
}

/** Short answers compared after normalisation. */
export interface ExactExtractorSpec {
  type: "exact";
}

/** Free text grouped by similarity; `embeddings` is required for `similarity: "embedding"`. */
export interface ClusterExtractorSpec {
  type: "cluster";
  similarity: "lexical" | "embedding";
  /** Similarity at or above which two responses are the same answer, 0 to 1. */
  threshold: number;
  embeddings?: EmbeddingsInterface;
}

/** Declarative description of an extractor, e.g. from a topology file. */
export type ExtractorSpec = ChoiceExtractorSpec | NumberExtractorSpec | ExactExtractorSpec | ClusterExtractorSpec;

/** Every `type` {@link createExtractor} knows. */
export const EXTRACTOR_TYPES = ["choice", "number", "exact", "cluster"] as const satisfies readonly ExtractorSpec["type"][];

/**
 * Builds the extractor a spec describes. Invalid specs (unknown type, bad choices, a threshold
 * outside 0..1, embedding similarity without a model) throw here, before any response is read.
 * Any object implementing {@link AnswerExtractor} can be used instead of a spec.
 *
 * @example
 * const byNumber = createExtractor({ type: "number" });
 * byNumber.kind === "key" && byNumber.extract("#### 1,234"); // "1234"
 * const byMeaning = createExtractor({ type: "cluster", similarity: "lexical", threshold: 0.6 });
 */
export function createExtractor(spec: ExtractorSpec): AnswerExtractor {
  switch (spec.type) {
    case "choice":
      return choiceExtractor(spec.choices);
    case "number":
      return numberExtractor();
    case "exact":
      return exactExtractor();
    case "cluster":
      if (spec.similarity === "lexical") return clusterExtractor({ similarity: "lexical", threshold: spec.threshold });
      if (spec.similarity === "embedding") {
        if (spec.embeddings === undefined) {
          throw new ConfigError(
            [{ path: "embeddings", message: 'similarity "embedding" needs `embeddings` (a LangChain Embeddings)' }],
            "extractor",
          );
        }
        return clusterExtractor({ similarity: "embedding", threshold: spec.threshold, embeddings: spec.embeddings });
      }
      throw new ConfigError(
        [{ path: "similarity", message: `similarity must be "lexical" or "embedding", got ${JSON.stringify(spec.similarity)}` }],
        "extractor",
      );
    default:
      // Specs can come from untyped sources (YAML, JSON); name what is accepted.
      throw new ConfigError(
        [
          {
            path: "type",
            message: `unknown extractor type ${JSON.stringify((spec as { type?: unknown }).type)}; expected one of ${EXTRACTOR_TYPES.join(", ")}`,
          },
        ],
        "extractor",
      );
  }
}
