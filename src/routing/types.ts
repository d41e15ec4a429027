/**
 * The contract every router follows. A router only proposes a category with a confidence; turning a
 * weak or unknown proposal into a fallback expert is `applyThreshold`'s job, so routers stay comparable.
 */

/** What a router classifies. */
export interface RouteInput {
  /** The user's latest message. Blank text is answered with an unknown decision, never an error. */
  text: string;
  /** The categories the caller can route to now; the router chooses among these only. */
  categories: readonly string[];
  /**
   * Earlier turns as plain text (see `routeInputFromMessages`). Context for routers that read it (the
   * LLM router); the rule and embedding routers look at `text` only.
   */
  conversation?: string;
  /** Cancels the routing call. */
  signal?: AbortSignal;
}

/** A router's proposal. */
export interface RouteDecision {
  /** One of the input's categories, or `undefined` when the router cannot tell (unknown). */
  category: string | undefined;
  /** How sure the router is of `category`, in [0, 1]; 0 when the category is unknown. */
  confidence: number;
  /** Per-category scores in [0, 1] when the router computes them (rule and embedding routers). */
  scores?: Record<string, number>;
  /** Short human explanation, e.g. `matched "refund", "invoice"`. */
  reason: string;
}

/** Anything that can route: an LLM classifier, keyword rules, nearest neighbours, or your own. */
export interface Router {
  /** What kind of router this is (`"llm"`, `"rules"`, `"embedding"`, ...), for logs and state. */
  readonly kind: string;
  /** Proposes a category for the input. Rejects on configuration errors, failed model calls and abort. */
  route(input: RouteInput): Promise<RouteDecision>;
}

/** When a router's proposal is not used. */
export interface FallbackPolicy {
  /** Proposals with a confidence below this (in [0, 1]) go to the fallback; equal is accepted. */
  threshold: number;
  /** Category (or expert name) used when the proposal is not; it need not be one of the categories. */
  fallback: string;
  /**
   * The categories the proposal must belong to; a proposal outside them goes to the fallback.
   * Omit only when the router is trusted to keep to its input's categories.
   */
  categories?: readonly string[];
}

/** Why a proposal was replaced by the fallback. */
export type FallbackCause = "unknown" | "not_a_category" | "low_confidence";

/** A proposal after the fallback policy: always names a category. */
export interface FinalRouteDecision extends RouteDecision {
  /** The category to use: the router's, or the policy's fallback. */
  category: string;
  /** What the router proposed (`undefined` when it could not tell). */
  proposedCategory: string | undefined;
  /** Whether `category` is the fallback rather than the router's proposal. */
  usedFallback: boolean;
  /** Set when `usedFallback`: the kind of reason. */
  fallbackCause?: FallbackCause;
  /** Set when `usedFallback`: why, in words, e.g. `confidence 0.42 is below the threshold 0.6`. */
  fallbackReason?: string;
}
