import { describe, expect, it } from "vitest";
import { createRuleRouter, RouterConfigError, type RoutingRule } from "../../src/routing/index.js";

const categories = ["billing", "tech", "shipping"];
const rules: RoutingRule[] = [
  { category: "billing", keywords: ["invoice", "refund", "charged twice"] },
  { category: "tech", keywords: ["crash", "error", "c++"], patterns: ["\\bE\\d{3}\\b"] },
  { category: "shipping", keywords: ["parcel", "delivery"] },
];
const route = (text: string, options: { rules?: RoutingRule[]; caseSensitive?: boolean; categories?: string[] } = {}) =>
  createRuleRouter({
    rules: options.rules ?? rules,
    ...(options.caseSensitive !== undefined ? { caseSensitive: options.caseSensitive } : {}),
  }).route({
    text,
    categories: options.categories ?? categories,
  });

describe("createRuleRouter: matching", () => {
  it("routes to the category whose keyword appears", async () => {
    expect(await route("Where is my parcel?")).toMatchObject({ category: "shipping", confidence: 1 });
  });

  it("matches keywords as whole words only", async () => {
    expect((await route("refunded invoices")).category).toBeUndefined();
  });

  it("ignores case by default", async () => {
    expect((await route("REFUND please")).category).toBe("billing");
  });

  it("respects case when caseSensitive is set", async () => {
    expect((await route("REFUND please", { caseSensitive: true })).category).toBeUndefined();
  });

  it("matches a phrase keyword across any whitespace", async () => {
    expect((await route("I was charged\n  twice")).category).toBe("billing");
  });

  it("matches keywords that end in symbols", async () => {
    expect((await route("my c++ build fails")).category).toBe("tech");
  });

  it("matches string patterns as regular expressions", async () => {
    expect(await route("I get code E404 on login")).toMatchObject({ category: "tech", reason: "matched /\\bE\\d{3}\\b/iu (1 of 1 hits)" });
  });

  it("a RegExp with the g flag matches on every call (its lastIndex is not carried over)", async () => {
    const router = createRuleRouter({ rules: [{ category: "tech", patterns: [/crash/g] }] });
    const results = await Promise.all([1, 2, 3].map(() => router.route({ text: "crash", categories: ["tech"] })));
    expect(results.map((r) => r.category)).toEqual(["tech", "tech", "tech"]);
  });
});

describe("createRuleRouter: confidence", () => {
  it("is the winner's share of all hits, with every category's share in scores", async () => {
    const decision = await route("Refund the invoice: the app had an error");
    expect(decision).toMatchObject({ category: "billing", confidence: 2 / 3, scores: { billing: 2 / 3, tech: 1 / 3 } });
    expect(decision.reason).toBe('matched "invoice", "refund" (2 of 3 hits)');
  });

  it("counts a keyword repeated in the text once", async () => {
    expect(await route("error error error refund invoice")).toMatchObject({ category: "billing", confidence: 2 / 3 });
  });

  it("no hit gives an unknown decision with confidence 0", async () => {
    expect(await route("hello there")).toEqual({ category: undefined, confidence: 0, scores: {}, reason: "no rule matched" });
  });

  it("a tie goes to the category listed first in the input, at confidence 0.5", async () => {
    const decision = await route("refund after the crash");
    expect(decision).toMatchObject({ category: "billing", confidence: 0.5 });
    expect(decision.reason).toContain("tied with tech, chose the first listed");
  });

  it("listing the categories in another order breaks the tie the other way", async () => {
    expect((await route("refund after the crash", { categories: ["tech", "billing"] })).category).toBe("tech");
  });

  it("skips rules of categories missing from the input", async () => {
    expect(await route("refund after the crash", { categories: ["tech"] })).toMatchObject({ category: "tech", confidence: 1 });
  });
});

describe("createRuleRouter: mistakes", () => {
  it("an invalid pattern names the rule's index and category", () => {
    expect(() => createRuleRouter({ rules: [rules[0]!, { category: "tech", patterns: ["(unclosed"] }] })).toThrow(
      /^rule 1 \(category "tech"\): invalid pattern "\(unclosed": Invalid regular expression/,
    );
  });

  it("the error is a RouterConfigError", () => {
    expect(() => createRuleRouter({ rules: [{ category: "tech", patterns: ["["] }] })).toThrow(RouterConfigError);
  });

  it("a pattern that matches the empty string is refused", () => {
    expect(() => createRuleRouter({ rules: [{ category: "tech", patterns: ["(error)?"] }] })).toThrow(
      'rule 0 (category "tech"): pattern /(error)?/iu matches the empty string',
    );
  });

  it("a rule with nothing to match is refused", () => {
    expect(() => createRuleRouter({ rules: [rules[0]!, rules[1]!, { category: "shipping", keywords: [] }] })).toThrow(
      'rule 2 (category "shipping"): has no keywords or patterns',
    );
  });

  it("a blank keyword is refused", () => {
    expect(() => createRuleRouter({ rules: [{ category: "tech", keywords: ["crash", " "] }] })).toThrow(
      'rule 0 (category "tech"): a keyword is blank',
    );
  });

  it("an empty rule list is refused", () => {
    expect(() => createRuleRouter({ rules: [] })).toThrow("rules is empty");
  });

  it("a rule for an undeclared category is refused when categories are given", () => {
    expect(() => createRuleRouter({ rules, categories: ["billing", "tech"] })).toThrow(
      'rule 2 names category "shipping", which is not one of the categories (billing, tech)',
    );
  });
});

describe("createRuleRouter: input", () => {
  it("blank text gives an unknown decision", async () => {
    expect(await route(" \n ")).toEqual({ category: undefined, confidence: 0, reason: "the input text is empty" });
  });

  it("an empty category list rejects", async () => {
    await expect(route("refund", { categories: [] })).rejects.toThrow(RouterConfigError);
  });

  it('has kind "rules"', () => {
    expect(createRuleRouter({ rules }).kind).toBe("rules");
  });
});
