import { MoAError } from "../errors/MoAError.js";
/**
 * Thrown for mistakes in how a router is set up or called: an empty or duplicated category list,
 * an invalid rule pattern, an example labelled with an unknown category, a bad threshold. These are
 * programming errors, so they throw instead of routing to a fallback.
 *
 * @example
 * try { createRuleRouter({ rules: [] }); } catch (e) { if (e instanceof RouterConfigError) console.error(e.message); }
 */
export class RouterConfigError extends MoAError {
  /** The problem without the rule or example it concerns (which the message names), for a config error's own path. */
  readonly detail: string;

  constructor(message: string, detail: string = message) {
    super(message, { code: "invalid_router_config", category: "config" });
    this.detail = detail;
    this.name = "RouterConfigError";
  }
}
