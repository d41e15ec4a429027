/**
 * Raised before a run when its models cannot be made ready: a download or pull failed, or the
 * in-process models do not fit in memory. The CLI exits 3, like an unreachable backend.
 */
export class ModelsNotReadyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelsNotReadyError";
  }
}
