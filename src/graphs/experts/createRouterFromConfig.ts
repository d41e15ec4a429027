import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Embeddings } from "@langchain/core/embeddings";
import { createEmbeddingRouter } from "../../routing/createEmbeddingRouter.js";
import { createEmbeddings } from "../../models/createEmbeddings.js";
import { createLlmRouter } from "../../routing/createLlmRouter.js";
import { createRuleRouter } from "../../routing/createRuleRouter.js";
import type { Router } from "../../routing/types.js";
import type { RouterConfig } from "./expertsSchema.js";
import { ConfigError } from "../../errors/ConfigError.js";
import { InternalError } from "../../errors/InternalError.js";

/**
 * Builds the router a CoE/MOSAIC config describes. `model` is the LLM router's chat model (created by
 * the graph's model factory, so tests and users can substitute it).
 *
 * @example
 * const router = createRouterFromConfig({ config: { type: "rules", rules, threshold: 0 }, categories: ["math", "code"] });
 */
export function createRouterFromConfig({
  config,
  categories,
  model,
}: {
  config: RouterConfig;
  categories: readonly string[];
  model?: BaseChatModel;
}): Router {
  try {
    return buildRouter(config, categories, model);
  } catch (error) {
    // Anything the schema could not see (e.g. an embeddings endpoint without a key) is still a config problem.
    if (error instanceof ConfigError || !(error instanceof Error)) throw error;
    throw new ConfigError([{ path: "router", message: error.message }]);
  }
}

function buildRouter(config: RouterConfig, categories: readonly string[], model: BaseChatModel | undefined): Router {
  switch (config.type) {
    case "llm":
      if (!model) throw new InternalError("the LLM router needs its model");
      return createLlmRouter({ model, categories, ...(config.descriptions ? { descriptions: config.descriptions } : {}) });
    case "rules":
      return createRuleRouter({
        categories,
        rules: config.rules.map((rule) => ({
          category: rule.category,
          ...(rule.keywords ? { keywords: rule.keywords } : {}),
          ...(rule.patterns ? { patterns: rule.patterns } : {}),
        })),
      });
    case "embedding":
      return createEmbeddingRouter({
        embeddings: embeddingsFrom(config.embeddings),
        examples: config.examples,
        k: config.k,
        minSimilarity: config.minSimilarity,
        categories,
      });
  }
}

/** An `Embeddings` from a reference string (`ollama:`/`openai:`) or the instance given in code. */
export function embeddingsFrom(spec: string | Embeddings): Embeddings {
  return typeof spec === "string" ? createEmbeddings(spec) : spec;
}
