import { RouterConfigError } from "./RouterConfigError.js";
import type { FallbackPolicy, FinalRouteDecision, RouteDecision } from "./types.js";

/**
 * Turns a router's proposal into the category to use. The fallback is taken when the proposal is
 * unknown, names a category outside `policy.categories`, or has a confidence below the threshold
 * (a confidence that is not a number counts as 0); otherwise the proposal stands. The result records
 * which happened and why.
 *
 * @example
 * applyThreshold({ category: "billing", confidence: 0.4, reason: "matched invoice" }, { threshold: 0.6, fallback: "general" });
 * // { category: "general", proposedCategory: "billing", usedFallback: true, fallbackCause: "low_confidence", ... }
 */
export function applyThreshold(decision: RouteDecision, policy: FallbackPolicy): FinalRouteDecision {
  checkFallbackPolicy(policy);
  const proposed = decision.category;
  const confidence = Number.isFinite(decision.confidence) ? decision.confidence : 0;
  const base = { ...decision, confidence, proposedCategory: proposed };
  const fallBack = (fallbackCause: FinalRouteDecision["fallbackCause"], fallbackReason: string): FinalRouteDecision => ({
    ...base,
    category: policy.fallback,
    usedFallback: true,
    fallbackCause,
    fallbackReason,
  });
  if (proposed === undefined) return fallBack("unknown", "the router could not tell the category");
  if (policy.categories && !policy.categories.includes(proposed)) {
    return fallBack("not_a_category", `"${proposed}" is not one of the categories (${policy.categories.join(", ")})`);
  }
  if (confidence < policy.threshold) {
    return fallBack("low_confidence", `confidence ${round(confidence)} is below the threshold ${policy.threshold}`);
  }
  return { ...base, category: proposed, usedFallback: false };
}

/**
 * Throws {@link RouterConfigError} unless the threshold is in [0, 1] and the fallback is a non-blank name.
 *
 * @example
 * checkFallbackPolicy({ threshold: 1.5, fallback: "general" }); // throws
 */
export function checkFallbackPolicy({ threshold, fallback }: FallbackPolicy): void {
  if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1)) {
    throw new RouterConfigError(`fallback policy: threshold must be a number from 0 to 1, got ${String(threshold)}`);
  }
  if (typeof fallback !== "string" || fallback.trim() === "") {
    throw new RouterConfigError("fallback policy: fallback must name a category or expert");
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
