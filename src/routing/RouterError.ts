import { MoAError } from "../errors/MoAError.js";

/**
 * A router could not classify one input: its model's answer was unusable, or the embeddings failed
 * or came back malformed. The routing node records it and sends the input to the fallback expert.
 *
 * @example
 * throw new RouterError("the embeddings returned 2 vectors for 3 examples");
 */
export class RouterError extends MoAError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "router_failed", category: "run", ...options });
    this.name = "RouterError";
  }
}
