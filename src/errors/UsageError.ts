import { MoAError } from "./MoAError.js";

/**
 * A request that cannot be served as asked: a bad command line, an unknown thread, conflicting
 * options. The CLI exits 2; `code` tells the cases apart.
 *
 * @example
 * throw new UsageError("the question is empty; give a question or pipe one into `moa run -`", { code: "empty_question" });
 */
export class UsageError extends MoAError {
  constructor(message: string, { code = "usage", fix, cause }: { code?: string; fix?: string; cause?: unknown } = {}) {
    super(message, { code, category: "usage", fix, cause });
    this.name = "UsageError";
  }
}
