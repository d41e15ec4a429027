import { RouterConfigError } from "./RouterConfigError.js";

/** One keyword/pattern rule of the rule router. */
export interface RoutingRule {
  /** The category this rule votes for. Several rules may vote for one category. */
  category: string;
  /** Words or phrases matched as whole words (`"bill"` does not match "billing"); spaces match any whitespace. */
  keywords?: readonly string[];
  /**
   * Regular expressions. Strings are compiled with the `u` flag (and `i` unless case-sensitive);
   * RegExp objects keep their own flags, except `g` and `y`, which are dropped.
   */
  patterns?: ReadonlyArray<string | RegExp>;
}

/** A rule ready to test: one matcher per keyword or pattern. */
export interface CompiledRule {
  category: string;
  matchers: Array<{ label: string; regex: RegExp }>;
}

// Letters, digits and underscore on either side make a match part of a longer word. Lookarounds (not
// \b) so that keywords that start or end with symbols, like "c++" or ".net", work too.
const WORD_CHAR = "[\\p{L}\\p{N}_]";

/**
 * Checks one rule and compiles its keywords and patterns. Errors name the rule by index and category.
 *
 * @example
 * compileRule({ category: "tech", keywords: ["crash"], patterns: ["error \\d+"] }, 0, false).matchers.length; // 2
 */
export function compileRule(rule: RoutingRule, index: number, caseSensitive: boolean): CompiledRule {
  const where = `rule ${index}${typeof rule?.category === "string" ? ` (category "${rule.category}")` : ""}`;
  const fail = (detail: string) => new RouterConfigError(`${where}: ${detail}`, detail);
  if (typeof rule !== "object" || rule === null) throw fail("expected an object with a category");
  if (typeof rule.category !== "string" || rule.category.trim() === "") throw fail(`the category is missing or blank`);
  const keywords = rule.keywords ?? [];
  const patterns = rule.patterns ?? [];
  if (!Array.isArray(keywords) || !Array.isArray(patterns)) throw fail(`keywords and patterns must be lists`);
  if (keywords.length === 0 && patterns.length === 0) throw fail(`has no keywords or patterns`);
  const flags = caseSensitive ? "u" : "iu";
  const matchers: CompiledRule["matchers"] = [];
  for (const keyword of keywords) {
    if (typeof keyword !== "string" || keyword.trim() === "") throw fail(`a keyword is blank`);
    const body = keyword.trim().split(/\s+/).map(escapeRegExp).join("\\s+");
    matchers.push({ label: `"${keyword.trim()}"`, regex: new RegExp(`(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})`, flags) });
  }
  for (const pattern of patterns) {
    const regex = compilePattern(pattern, flags, fail);
    if (regex.test("")) {
      throw fail(`pattern ${regex} matches the empty string, so it would match every message`);
    }
    matchers.push({ label: String(regex), regex });
  }
  return { category: rule.category, matchers };
}

function compilePattern(pattern: string | RegExp, flags: string, fail: (detail: string) => RouterConfigError): RegExp {
  if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
  if (typeof pattern !== "string" || pattern === "") throw fail(`a pattern is blank`);
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw fail(`invalid pattern "${pattern}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

function escapeRegExp(text: string): string {
  // Only syntax characters: with the u flag, escaping anything else (such as "-") is an error.
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
