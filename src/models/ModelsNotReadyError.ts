import { MoAError } from "../errors/MoAError.js";

/**
 * Raised before a run when its models cannot be made ready: a download or pull failed, the
 * in-process runtime cannot start, or the in-process models do not fit in memory (environment: the
 * CLI exits 3, like an unreachable backend).
 */
export class ModelsNotReadyError extends MoAError {
  constructor(message: string, options: { cause?: unknown; fix?: string } = {}) {
    super(message, { code: "models_not_ready", category: "environment", ...options });
    this.name = "ModelsNotReadyError";
  }
}
