import { cosineSimilarity } from "../util/cosineSimilarity.js";
import { pickTopCategory } from "./pickTopCategory.js";
import type { RouteDecision } from "./types.js";

/** A labelled example with its vector. */
export interface EmbeddedExample {
  text: string;
  category: string;
  vector: readonly number[];
}

/** Settings of {@link voteNearest}. */
export interface VoteOptions {
  /** The categories that may win, in priority order (ties go to the first). */
  categories: readonly string[];
  /** How many nearest examples vote. */
  k: number;
  /** Neighbours less similar than this do not vote. Negative similarities never vote. */
  minSimilarity: number;
}

/**
 * k-nearest-neighbour vote: the `k` examples most similar to the query (cosine; examples of other
 * categories are left out first) each vote for their category with their similarity as weight. The
 * winner's confidence is its share of the votes, so it measures agreement among the neighbours, not
 * how close they are: the reason reports the best similarity, and `minSimilarity` keeps far
 * neighbours from voting at all.
 *
 * @example
 * voteNearest([1, 0], examples, { categories: ["billing", "tech"], k: 5, minSimilarity: 0 });
 */
export function voteNearest(query: readonly number[], examples: readonly EmbeddedExample[], options: VoteOptions): RouteDecision {
  const neighbours = examples
    .map((example, index) => ({ example, index, similarity: cosineSimilarity(query, example.vector) }))
    .filter((n) => options.categories.includes(n.example.category))
    // Equal similarities keep the examples' declared order, so results never depend on sort internals.
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index)
    .slice(0, options.k);
  const voters = neighbours.filter((n) => n.similarity > 0 && n.similarity >= options.minSimilarity);
  const weights = new Map<string, number>();
  for (const n of voters) weights.set(n.example.category, (weights.get(n.example.category) ?? 0) + n.similarity);
  const top = pickTopCategory(weights, options.categories);
  const best = neighbours[0]?.similarity ?? 0;
  if (!top) {
    return {
      category: undefined,
      confidence: 0,
      scores: {},
      reason: `no example is similar enough to vote (best similarity ${round(best)})`,
    };
  }
  const forWinner = voters.filter((n) => n.example.category === top.winner).length;
  const tie = top.tiedWith.length ? `; tied with ${top.tiedWith.join(", ")}, chose the first listed` : "";
  return {
    category: top.winner,
    confidence: top.share,
    scores: top.shares,
    reason: `${forWinner} of ${voters.length} nearest examples are "${top.winner}" (best similarity ${round(best)})${tie}`,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
