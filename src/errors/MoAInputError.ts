import { MoAError } from "./MoAError.js";

/** Raised when the graph input cannot be answered (no user message, empty question). */
export class MoAInputError extends MoAError {
  constructor(message: string) {
    super(message, { code: "invalid_input", category: "usage" });
    this.name = "MoAInputError";
  }
}
