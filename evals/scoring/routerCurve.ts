/** One operating point of a router: the share of calls sent to the strong model, and the quality reached. */
export interface CurvePoint {
  /** 0..1. */
  strongShare: number;
  /** Accuracy or score, in the units of `weakQuality` and `strongQuality`. */
  quality: number;
}

/** RouteLLM's summary of a router's curve. */
export interface RouterCurveSummary {
  /** Area under the quality curve over strong shares 0..1. */
  auc: number;
  /** Average performance gap recovered: (AUC − weak) / (strong − weak). */
  apgr: number;
  /** The smallest strong share reaching each fraction of the strong–weak gap (0.2, 0.5, 0.8); undefined if never. */
  strongShareFor: Record<"20" | "50" | "80", number | undefined>;
}

/**
 * Summarises a router's cost/quality curve as RouteLLM does: the area under the curve (trapezoids over
 * strong-call shares 0..1, the curve joined to always-weak at 0 and always-strong at 1), the average
 * performance gap recovered (APGR), and the strong-call share needed for 20, 50 and 80% of the gap
 * between the weak and the strong model (linear between points).
 *
 * @example
 * summarizeRouterCurve({ points, weakQuality: 0.68, strongQuality: 0.81 }).apgr; // e.g. 0.55
 */
export function summarizeRouterCurve({
  points,
  weakQuality,
  strongQuality,
}: {
  points: readonly CurvePoint[];
  weakQuality: number;
  strongQuality: number;
}): RouterCurveSummary {
  if (strongQuality === weakQuality) throw new RangeError("the strong and weak models score the same: there is no gap to recover");
  const inner = points.filter((point) => point.strongShare > 0 && point.strongShare < 1);
  const curve = [{ strongShare: 0, quality: weakQuality }, ...inner, { strongShare: 1, quality: strongQuality }].sort(
    (a, b) => a.strongShare - b.strongShare,
  );
  let auc = 0;
  for (let i = 1; i < curve.length; i++) {
    const [a, b] = [curve[i - 1]!, curve[i]!];
    auc += ((b.strongShare - a.strongShare) * (a.quality + b.quality)) / 2;
  }
  const gap = strongQuality - weakQuality;
  const shareFor = (fraction: number): number | undefined => {
    const target = weakQuality + fraction * gap;
    for (let i = 1; i < curve.length; i++) {
      const [a, b] = [curve[i - 1]!, curve[i]!];
      if (a.quality >= target) return a.strongShare;
      if (b.quality >= target) return a.strongShare + ((target - a.quality) / (b.quality - a.quality)) * (b.strongShare - a.strongShare);
    }
    return undefined;
  };
  return {
    auc,
    apgr: (auc - weakQuality) / gap,
    strongShareFor: { "20": shareFor(0.2), "50": shareFor(0.5), "80": shareFor(0.8) },
  };
}
