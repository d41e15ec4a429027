/** The outcome of {@link pickTopCategory}. */
export interface TopCategory {
  /** The category with the highest weight; on a tie, the one listed first in `order`. */
  winner: string;
  /** The winner's share of the total weight, in [0, 1]. */
  share: number;
  /** Every category's share of the total weight, in `order`, for those with weight > 0. */
  shares: Record<string, number>;
  /** The other categories with exactly the winner's weight (empty when there is no tie). */
  tiedWith: string[];
}

/**
 * Picks the category with the most weight (keyword hits, neighbour similarity). Ties go to the
 * category listed first in `order`: callers list categories by priority, so this is predictable,
 * and the tied share (at most 0.5) is low enough for a threshold to catch.
 *
 * @returns `undefined` when no category has a positive weight.
 * @example
 * pickTopCategory(new Map([["tech", 2], ["billing", 2]]), ["billing", "tech"]);
 * // { winner: "billing", share: 0.5, shares: { billing: 0.5, tech: 0.5 }, tiedWith: ["tech"] }
 */
export function pickTopCategory(weights: ReadonlyMap<string, number>, order: readonly string[]): TopCategory | undefined {
  const ranked = order.map((category) => ({ category, weight: weights.get(category) ?? 0 })).filter((r) => r.weight > 0);
  const total = ranked.reduce((sum, r) => sum + r.weight, 0);
  let best = ranked[0];
  if (!best || !(total > 0)) return undefined;
  for (const r of ranked) if (r.weight > best.weight) best = r;
  const top = best;
  return {
    winner: top.category,
    share: top.weight / total,
    shares: Object.fromEntries(ranked.map((r) => [r.category, r.weight / total])),
    tiedWith: ranked.filter((r) => r.weight === top.weight && r.category !== top.category).map((r) => r.category),
  };
}
