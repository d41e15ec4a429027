import { MoAError } from "./MoAError.js";

/** Raised when the user interrupts a run or a transfer (Ctrl-C); the CLI exits 130. */
export class RunInterruptedError extends MoAError {
  constructor(detail = "in-flight model calls were cancelled", resumeHint?: string) {
    super(`interrupted; ${detail}${resumeHint ? `. ${resumeHint}` : ""}`, {
      code: "interrupted",
      category: "interrupted",
      fix: resumeHint,
    });
    this.name = "RunInterruptedError";
  }
}
