/** Raised when the user interrupts the CLI (Ctrl-C); it exits 130. */
export class RunInterruptedError extends Error {
  constructor(detail = "in-flight model calls were cancelled", resumeHint?: string) {
    super(`interrupted; ${detail}${resumeHint ? `. ${resumeHint}` : ""}`);
    this.name = "RunInterruptedError";
  }
}
