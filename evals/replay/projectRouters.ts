// The project's own routers (rule, LLM, embedding) as strong/weak routers for the replay.
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { createEmbeddingRouter, type RoutingExample } from "../../src/routing/createEmbeddingRouter.js";
import { createLlmRouter } from "../../src/routing/createLlmRouter.js";
import { createRuleRouter } from "../../src/routing/createRuleRouter.js";
import type { RoutingRule } from "../../src/routing/compileRule.js";
import type { RouteDecision, Router } from "../../src/routing/types.js";
import type { PromptRouter } from "./baselineRouters.js";
import type { RouterResult } from "./evaluateRouters.js";

/** The two categories every adapted router chooses between. */
export const STRONG_CATEGORY = "strong";
export const WEAK_CATEGORY = "weak";
const CATEGORIES = [STRONG_CATEGORY, WEAK_CATEGORY] as const;

/**
 * How a categorical decision becomes a replay score (higher: strong model sooner): the router's score for
 * "strong" when it gives per-category scores (rule and embedding routers; a category without hits
 * scores 0), else its confidence when it chose "strong", 1 − confidence when it chose "weak" (two
 * categories), and 0 when it could not tell (such prompts go to the weak model last).
 *
 * @example
 * strongScore({ decision: { category: "weak", confidence: 0.8, reason: "" } }); // ≈ 0.2
 */
export function strongScore({ decision }: { decision: RouteDecision }): number {
  if (decision.scores !== undefined) return decision.scores[STRONG_CATEGORY] ?? 0;
  if (decision.category === STRONG_CATEGORY) return decision.confidence;
  if (decision.category === WEAK_CATEGORY) return 1 - decision.confidence;
  return 0;
}

/**
 * Wraps any project router deciding between "strong" and "weak" as a replayable router. Routers that
 * give few distinct scores (a rule router: mostly 1 or 0) tie on many prompts; by default tied prompts
 * move to the strong model together, which draws a straight line between the curve's points (the mean of
 * every tie order). `tieBreak: "length"` orders them by prompt length instead, longer first, and
 * `"order"` by their position in the file, earlier first.
 *
 * @example
 * const replayable = promptRouterFrom({ name: "rules", router: createRuleRouter({ rules }) });
 * await replayable.score("How many eggs are left?");
 */
export function promptRouterFrom({
  name,
  router,
  tieBreak = "none",
}: {
  name: string;
  router: Router;
  tieBreak?: "none" | "length" | "order";
}): PromptRouter {
  let position = 0;
  // Far below the smallest gap between two distinct router scores, so it only orders ties.
  const nudge = (prompt: string): number => {
    if (tieBreak === "length") return Math.min(prompt.length, 1e6) * 1e-12;
    if (tieBreak === "order") return (1e6 - Math.min(position++, 1e6)) * 1e-12;
    return 0;
  };
  return {
    name,
    async score(prompt) {
      const decision = await router.route({ text: prompt, categories: CATEGORIES });
      return strongScore({ decision }) + nudge(prompt);
    },
  };
}

/**
 * Keyword and pattern rules for prompts that need several reasoning steps (arithmetic, word problems,
 * proofs) against ones a weaker model usually knows (definitions, facts, reading).
 */
export const REASONING_RULES: readonly RoutingRule[] = [
  {
    category: STRONG_CATEGORY,
    keywords: ["how many", "how much", "calculate", "compute", "solve", "prove", "derive", "probability", "percent", "equation", "total"],
    patterns: [
      String.raw`\d+(?:\.\d+)?\s*[-+*/×÷=^]\s*\d`,
      String.raw`\$\s?\d`,
      String.raw`\d\s?%`,
      String.raw`\b(?:twice|half|times|each|per)\b`,
    ],
  },
  {
    category: WEAK_CATEGORY,
    keywords: ["which of the following", "what is the name", "who", "definition", "refers to", "best describes", "according to"],
  },
];

/**
 * A rule router that works offline: reasoning-looking prompts lean "strong" (score = the share of rule
 * hits that were for "strong"; no hit scores 0).
 *
 * @example
 * const router = reasoningRuleRouter({}); // name "rules"
 */
export function reasoningRuleRouter({
  rules = REASONING_RULES,
  tieBreak = "none",
}: { rules?: readonly RoutingRule[]; tieBreak?: "none" | "length" | "order" } = {}): PromptRouter {
  return promptRouterFrom({ name: "rules", router: createRuleRouter({ rules, categories: CATEGORIES }), tieBreak });
}

/**
 * The project's LLM router with any chat model as the classifier, asked to choose "strong" or "weak".
 *
 * @example
 * const router = llmPromptRouter({ model: new ChatOllama({ model: "qwen2.5:1.5b" }) });
 */
export function llmPromptRouter({ model, name = "llm" }: { model: BaseChatModel; name?: string }): PromptRouter {
  const router = createLlmRouter({
    model,
    categories: CATEGORIES,
    descriptions: {
      [STRONG_CATEGORY]: "hard: multi-step reasoning, math, code or expert knowledge; needs the strongest model",
      [WEAK_CATEGORY]: "easy: a smaller, cheaper model answers it well",
    },
  });
  return promptRouterFrom({ name, router });
}

/**
 * The project's embedding router with any embeddings, voting among labelled "strong"/"weak" examples.
 *
 * @example
 * const router = embeddingPromptRouter({ embeddings, examples: [{ text: "Prove that ...", category: "strong" }] });
 */
export function embeddingPromptRouter({
  embeddings,
  examples,
  k = 5,
  name = "embedding",
}: {
  embeddings: EmbeddingsInterface;
  examples: readonly RoutingExample[];
  k?: number;
  name?: string;
}): PromptRouter {
  return promptRouterFrom({ name, router: createEmbeddingRouter({ embeddings, examples, k, categories: CATEGORIES }) });
}

/**
 * Always-weak and always-strong as results: single operating points, at a strong share of 0 and 1. Their
 * "APGR" is the gap each recovers, 0 and 1 (a sweep would instead join each to the other endpoint).
 *
 * @example
 * const [alwaysWeak, alwaysStrong] = fixedRouterResults({ weakQuality: 0.64, strongQuality: 0.86 });
 */
export function fixedRouterResults({ weakQuality, strongQuality }: { weakQuality: number; strongQuality: number }): RouterResult[] {
  const never = { "20": undefined, "50": undefined, "80": undefined };
  return [
    { router: "always-weak", points: [{ strongShare: 0, quality: weakQuality }], auc: weakQuality, apgr: 0, strongShareFor: never },
    {
      router: "always-strong",
      points: [{ strongShare: 1, quality: strongQuality }],
      auc: strongQuality,
      apgr: 1,
      strongShareFor: { "20": 1, "50": 1, "80": 1 },
    },
  ];
}
