import { MoAError } from "../errors/MoAError.js";

/**
 * A model server sent more than a call may receive (an answer far beyond `maxTokens`, an endless
 * stream). Not retried: the same server would send the same again.
 */
export class ResponseTooLargeError extends MoAError {
  readonly limit: number;

  constructor(message: string, limit: number) {
    super(message, { code: "response_too_large", category: "run" });
    this.name = "ResponseTooLargeError";
    this.limit = limit;
  }
}
