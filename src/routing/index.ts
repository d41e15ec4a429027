/**
 * Routing for Composition of Experts: a router proposes one of the declared categories with a
 * confidence, and a fallback policy decides whether to trust it.
 */
export type { FallbackCause, FallbackPolicy, FinalRouteDecision, RouteDecision, RouteInput, Router } from "./types.js";
export { RouterConfigError } from "./RouterConfigError.js";
export { applyThreshold, checkFallbackPolicy } from "./applyThreshold.js";
export { routeWithFallback } from "./routeWithFallback.js";
export { routeInputFromMessages, type RouteInputFromMessagesOptions } from "./routeInputFromMessages.js";
export { checkCategories } from "./checkCategories.js";
export {
  createLlmRouter,
  type LlmRouteDecision,
  type LlmRouter,
  type LlmRouterOptions,
  type StructuredOutputMode,
} from "./createLlmRouter.js";
export { buildRouteMessages, type RouteMessagesInput } from "./buildRouteMessages.js";
export { readLlmAnswer, type LlmAnswerReading } from "./readLlmAnswer.js";
export { parseFirstJsonObject } from "./parseFirstJsonObject.js";
export { createRuleRouter, type RuleRouterOptions } from "./createRuleRouter.js";
export { compileRule, type CompiledRule, type RoutingRule } from "./compileRule.js";
export { createEmbeddingRouter, type EmbeddingRouter, type EmbeddingRouterOptions, type RoutingExample } from "./createEmbeddingRouter.js";
export { voteNearest, type EmbeddedExample, type VoteOptions } from "./voteNearest.js";
export { cosineSimilarity } from "../util/cosineSimilarity.js";
export { pickTopCategory, type TopCategory } from "./pickTopCategory.js";
