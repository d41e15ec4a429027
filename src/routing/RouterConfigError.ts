/**
 * Thrown for mistakes in how a router is set up or called: an empty or duplicated category list,
 * an invalid rule pattern, an example labelled with an unknown category, a bad threshold. These are
 * programming errors, so they throw instead of routing to a fallback.
 *
 * @example
 * try { createRuleRouter({ rules: [] }); } catch (e) { if (e instanceof RouterConfigError) console.error(e.message); }
 */
export class RouterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouterConfigError";
  }
}
