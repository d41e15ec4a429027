import { checkCategories } from "./checkCategories.js";
import type { RouteDecision, RouteInput } from "./types.js";

/**
 * What every router does before its own work: reject an invalid category list, stop if already
 * aborted, and answer blank text with an unknown decision. Blank text is not an error because an
 * empty chat message is ordinary input at run time; with a fallback policy it goes to the fallback.
 *
 * @returns the decision for blank text, or `undefined` when the router should go on.
 * @example
 * const early = startRoute(input);
 * if (early) return early;
 */
export function startRoute(input: RouteInput): RouteDecision | undefined {
  checkCategories(input.categories, "route input categories");
  input.signal?.throwIfAborted();
  if (typeof input.text !== "string" || input.text.trim() === "") {
    return { category: undefined, confidence: 0, reason: "the input text is empty" };
  }
  return undefined;
}
