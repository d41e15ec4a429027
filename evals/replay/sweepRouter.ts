import type { CurvePoint } from "../scoring/routerCurve.js";

/** One recorded item as a router sees it: its score, and whether each model answered it correctly. */
export interface ScoredItem {
  /** The router's preference for the strong model (higher: more likely sent to it). */
  score: number;
  strongCorrect: boolean;
  weakCorrect: boolean;
}

/**
 * The router's cost/quality curve over every threshold: for each threshold between distinct scores, the
 * share of items sent to the strong model (score at or above it) and the accuracy of the answers then
 * given (the strong model's on those, the weak model's on the rest). Items with equal scores move
 * together, as a threshold cannot split them.
 *
 * @example
 * sweepRouter(items.map((item) => ({ score: item.prompt.length, strongCorrect, weakCorrect })));
 */
export function sweepRouter(items: readonly ScoredItem[]): CurvePoint[] {
  const n = items.length;
  if (n === 0) return [];
  const sorted = [...items].sort((a, b) => b.score - a.score);
  let correct = items.filter((item) => item.weakCorrect).length;
  const points: CurvePoint[] = [{ strongShare: 0, quality: correct / n }];
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && sorted[j]!.score === sorted[i]!.score) {
      correct += Number(sorted[j]!.strongCorrect) - Number(sorted[j]!.weakCorrect);
      j++;
    }
    points.push({ strongShare: j / n, quality: correct / n });
    i = j;
  }
  return points;
}
