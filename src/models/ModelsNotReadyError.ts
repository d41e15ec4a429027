import { MoAError } from "../errors/MoAError.js";

/**
 * Raised before a run when its models cannot be made ready: a download or pull failed or was not
 * agreed to, the model server cannot be reached, the in-process runtime cannot start, or the
 * in-process models do not fit in memory (environment: the CLI exits 3, like an unreachable backend).
 * `code` tells these apart (default `models_not_ready`).
 */
export class ModelsNotReadyError extends MoAError {
  constructor(message: string, options: { cause?: unknown; fix?: string; code?: string } = {}) {
    const { code = "models_not_ready", ...rest } = options;
    super(message, { code, category: "environment", ...rest });
    this.name = "ModelsNotReadyError";
  }
}
