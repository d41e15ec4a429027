import { checkCategories } from "./checkCategories.js";
import { compileRule, type CompiledRule, type RoutingRule } from "./compileRule.js";
import { pickTopCategory } from "./pickTopCategory.js";
import { RouterConfigError } from "./RouterConfigError.js";
import { startRoute } from "./startRoute.js";
import type { Router } from "./types.js";

/** Options of {@link createRuleRouter}. */
export interface RuleRouterOptions {
  /** At least one rule. */
  rules: readonly RoutingRule[];
  /** Match keywords and string patterns case-sensitively. Default false. */
  caseSensitive?: boolean;
  /** When given, every rule's category must be one of these (checked at construction). */
  categories?: readonly string[];
}

/**
 * Creates a router from keyword and regular-expression rules: no model call, microseconds per route.
 * Every keyword or pattern found in the text is one hit for its rule's category (a keyword repeated
 * in the text still counts once, so one repeated word cannot outvote the rest); the category with
 * the most hits wins, and the confidence is its share of all hits. No hit gives an unknown decision
 * with confidence 0; equal hits go to the category listed first in the input's categories. Rules for
 * categories not in the input's list are skipped. Mistakes in rules (an invalid pattern, a rule with
 * nothing to match) throw at construction, naming the rule's index.
 *
 * @example
 * const router = createRuleRouter({
 *   rules: [
 *     { category: "billing", keywords: ["invoice", "refund", "charged twice"] },
 *     { category: "tech", keywords: ["crash", "error"], patterns: ["\\bE\\d{3}\\b"] },
 *   ],
 * });
 * await router.route({ text: "Refund for invoice 12?", categories: ["billing", "tech"] }); // billing, confidence 1
 */
export function createRuleRouter(options: RuleRouterOptions): Router {
  const { rules, caseSensitive = false, categories } = options;
  if (!Array.isArray(rules) || rules.length === 0) throw new RouterConfigError("createRuleRouter: rules is empty; give at least one rule");
  if (categories !== undefined) checkCategories(categories, "createRuleRouter categories");
  const compiled: CompiledRule[] = rules.map((rule, index) => compileRule(rule, index, caseSensitive));
  if (categories !== undefined) {
    for (const [index, rule] of compiled.entries()) {
      if (!categories.includes(rule.category)) {
        throw new RouterConfigError(
          `createRuleRouter: rule ${index} names category "${rule.category}", which is not one of the categories (${categories.join(", ")})`,
        );
      }
    }
  }

  return {
    kind: "rules",
    async route(input) {
      const early = startRoute(input);
      if (early) return early;
      const hits = new Map<string, string[]>();
      for (const rule of compiled) {
        if (!input.categories.includes(rule.category)) continue;
        for (const { label, regex } of rule.matchers) {
          if (regex.test(input.text)) hits.set(rule.category, [...(hits.get(rule.category) ?? []), label]);
        }
      }
      const counts = new Map([...hits].map(([category, labels]) => [category, labels.length]));
      const top = pickTopCategory(counts, input.categories);
      if (!top) return { category: undefined, confidence: 0, scores: {}, reason: "no rule matched" };
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const matched = hits.get(top.winner) ?? [];
      const tie = top.tiedWith.length ? `; tied with ${top.tiedWith.join(", ")}, chose the first listed` : "";
      return {
        category: top.winner,
        confidence: top.share,
        scores: top.shares,
        reason: `matched ${matched.join(", ")} (${matched.length} of ${total} hits)${tie}`,
      };
    },
  };
}
