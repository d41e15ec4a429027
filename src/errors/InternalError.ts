import { MoAError } from "./MoAError.js";

/**
 * A state the code does not expect to reach: a bug in this package, not a problem with the input or
 * the environment. The message says what was expected; please report it with `MOA_DEBUG=1` output.
 *
 * @example
 * if (!input) throw new InternalError(`the aggregator "${agent.name}" received no input`);
 */
export class InternalError extends MoAError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(`internal error: ${message}`, { code: "internal", category: "run", ...options });
    this.name = "InternalError";
  }
}
