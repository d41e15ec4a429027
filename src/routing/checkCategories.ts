import { RouterConfigError } from "./RouterConfigError.js";

/**
 * Checks a category list: at least one category, each a non-blank string, no duplicates. `where`
 * names the list in the error (e.g. `createLlmRouter categories`).
 *
 * @example
 * checkCategories(["billing", "tech"], "route input categories"); // ok
 * checkCategories([], "route input categories"); // throws RouterConfigError
 */
export function checkCategories(categories: readonly string[], where: string): void {
  if (!Array.isArray(categories) || categories.length === 0) {
    throw new RouterConfigError(`${where}: the category list is empty; declare at least one category`);
  }
  const seen = new Set<string>();
  for (const [index, category] of categories.entries()) {
    if (typeof category !== "string" || category.trim() === "") {
      throw new RouterConfigError(`${where}: category ${index} is blank; categories must be non-empty names`);
    }
    if (seen.has(category)) throw new RouterConfigError(`${where}: category "${category}" is listed twice`);
    seen.add(category);
  }
}
