import { createExtractor } from "../../voting/createExtractor.js";
import type { AnswerExtractor } from "../../voting/AnswerExtractor.js";
import { embeddingsFrom } from "./createRouterFromConfig.js";
import type { ExtractorConfig } from "./expertsSchema.js";

/**
 * Builds the gate's answer extractor from its config (embedding references become `Embeddings`).
 *
 * @example
 * const extractor = createExtractorFromConfig({ type: "number" });
 */
export function createExtractorFromConfig(config: ExtractorConfig): AnswerExtractor {
  if (config.type === "cluster") {
    return createExtractor({
      type: "cluster",
      similarity: config.similarity,
      threshold: config.threshold,
      ...(config.embeddings !== undefined ? { embeddings: embeddingsFrom(config.embeddings) } : {}),
    });
  }
  if (config.type === "choice") return createExtractor(config.choices ? { type: "choice", choices: config.choices } : { type: "choice" });
  return createExtractor({ type: config.type });
}
