import { applyThreshold, checkFallbackPolicy } from "./applyThreshold.js";
import type { FallbackPolicy, FinalRouteDecision, RouteInput, Router } from "./types.js";

/**
 * Routes and applies a fallback policy in one step; the policy's categories default to the input's,
 * so a router that strays outside them falls back.
 *
 * @example
 * const decision = await routeWithFallback(router, { text, categories: ["billing", "tech"] }, { threshold: 0.6, fallback: "general" });
 * const expert = experts[decision.category];
 */
export async function routeWithFallback(router: Router, input: RouteInput, policy: FallbackPolicy): Promise<FinalRouteDecision> {
  checkFallbackPolicy(policy); // before the router spends a model call
  const decision = await router.route(input);
  return applyThreshold(decision, { ...policy, categories: policy.categories ?? input.categories });
}
