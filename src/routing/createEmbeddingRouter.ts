import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { raceAbort } from "../util/abortable.js";
import { checkCategories } from "./checkCategories.js";
import { RouterConfigError } from "./RouterConfigError.js";
import { startRoute } from "./startRoute.js";
import type { Router } from "./types.js";
import { voteNearest, type EmbeddedExample } from "./voteNearest.js";
import { RouterError } from "./RouterError.js";

/** A labelled example text for the embedding router. */
export interface RoutingExample {
  text: string;
  category: string;
}

/** Options of {@link createEmbeddingRouter}. */
export interface EmbeddingRouterOptions {
  /** Any LangChain embeddings (see `createEmbeddings` for Ollama and OpenAI-compatible servers). */
  embeddings: EmbeddingsInterface;
  /** At least one example; more examples per category route better. */
  examples: readonly RoutingExample[];
  /** How many nearest examples vote. Default 5. */
  k?: number;
  /** When given, every example's category must be one of these (checked at construction). */
  categories?: readonly string[];
  /** Neighbours with a cosine similarity below this do not vote. Default 0. */
  minSimilarity?: number;
}

/** A router that votes among the nearest labelled examples. */
export interface EmbeddingRouter extends Router {
  readonly kind: "embedding";
  /** Embeds the examples now rather than on the first route (e.g. at start-up). */
  warmUp(): Promise<void>;
}

/**
 * Creates a nearest-neighbour router trained from labelled examples: the `k` examples most similar to
 * the text (cosine) vote for their category, weighted by similarity; the confidence is the winner's
 * share of the vote (see `voteNearest`). The examples are embedded once, on the first route or
 * `warmUp()`, in one `embedDocuments` call; if that fails, the next route tries again. Each route embeds
 * the text with `embedQuery`. Blank text gives an unknown decision without embedding anything.
 *
 * LangChain's `Embeddings` take no AbortSignal: on abort the route rejects at once, but the HTTP
 * request runs to its own timeout.
 *
 * @example
 * const router = createEmbeddingRouter({
 *   embeddings: createEmbeddings("ollama:nomic-embed-text"),
 *   examples: [
 *     { text: "I was charged twice this month", category: "billing" },
 *     { text: "The app crashes when I log in", category: "tech" },
 *   ],
 *   k: 3,
 * });
 * const decision = await router.route({ text: "refund my last payment", categories: ["billing", "tech"] });
 */
export function createEmbeddingRouter(options: EmbeddingRouterOptions): EmbeddingRouter {
  const { embeddings, examples, k = 5, categories, minSimilarity = 0 } = options;
  if (!Array.isArray(examples) || examples.length === 0)
    throw new RouterConfigError("createEmbeddingRouter: examples is empty; give at least one labelled example");
  if (!Number.isInteger(k) || k < 1)
    throw new RouterConfigError(`createEmbeddingRouter: k must be a whole number of at least 1, got ${String(k)}`);
  if (typeof minSimilarity !== "number" || !(minSimilarity >= -1 && minSimilarity <= 1)) {
    throw new RouterConfigError(`createEmbeddingRouter: minSimilarity must be a number from -1 to 1, got ${String(minSimilarity)}`);
  }
  if (categories !== undefined) checkCategories(categories, "createEmbeddingRouter categories");
  for (const [index, example] of examples.entries()) {
    if (typeof example?.text !== "string" || example.text.trim() === "")
      throw new RouterConfigError(`createEmbeddingRouter: example ${index} has no text`);
    if (typeof example.category !== "string" || example.category.trim() === "")
      throw new RouterConfigError(`createEmbeddingRouter: example ${index} has no category`);
    if (categories !== undefined && !categories.includes(example.category)) {
      throw new RouterConfigError(
        `createEmbeddingRouter: example ${index} ("${example.text.slice(0, 40)}") is labelled "${example.category}", which is not one of the categories (${categories.join(", ")})`,
      );
    }
  }
  const texts = examples.map((e) => e.text);
  let embedded: Promise<EmbeddedExample[]> | undefined;

  const embedExamples = (): Promise<EmbeddedExample[]> => {
    if (embedded) return embedded;
    const attempt = embeddings.embedDocuments(texts).then(
      (vectors) => {
        checkVectors(vectors, examples.length);
        return examples.map((e, i) => ({ ...e, vector: vectors[i] ?? [] }));
      },
      (error: unknown) => {
        throw new RouterError(`embedding the routing examples failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      },
    );
    // A failure is not cached: the next route retries (the server may have been starting up).
    attempt.catch(() => {
      if (embedded === attempt) embedded = undefined;
    });
    embedded = attempt;
    return attempt;
  };

  return {
    kind: "embedding",
    async warmUp() {
      await embedExamples();
    },
    async route(input) {
      const early = startRoute(input);
      if (early) return early;
      const wait = <T>(p: Promise<T>): Promise<T> => (input.signal ? raceAbort(p, input.signal) : p);
      const [known, query] = await wait(Promise.all([embedExamples(), embeddings.embedQuery(input.text)]));
      const dimensions = known[0]?.vector.length ?? 0;
      if (!Array.isArray(query) || query.length !== dimensions) {
        throw new RouterError(
          `the text's embedding has ${Array.isArray(query) ? query.length : "no"} dimensions, the examples' have ${dimensions}`,
        );
      }
      return voteNearest(query, known, { categories: input.categories, k, minSimilarity });
    },
  };
}

function checkVectors(vectors: unknown, count: number): asserts vectors is number[][] {
  if (!Array.isArray(vectors) || vectors.length !== count) {
    throw new RouterError(`the embeddings returned ${Array.isArray(vectors) ? vectors.length : "no"} vectors for ${count} examples`);
  }
  const first = vectors[0] as unknown;
  const dimensions = Array.isArray(first) ? first.length : 0;
  for (const [index, vector] of vectors.entries()) {
    if (!Array.isArray(vector) || vector.length === 0 || vector.length !== dimensions || !vector.every(Number.isFinite)) {
      throw new RouterError(`the embedding of example ${index} is not a vector of ${dimensions} finite numbers`);
    }
  }
}
