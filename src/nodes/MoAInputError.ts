/** Raised when the graph input cannot be answered (no user message, empty question). */
export class MoAInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MoAInputError";
  }
}
