import { MoAError } from "../../../../errors/MoAError.js";

/** Why the in-process runtime refused or stopped a call. */
export type LlamaRuntimeFailure = "disposed" | "unloaded" | "load_failed";

/**
 * The in-process llama.cpp runtime could not serve a call: it was disposed or the model unloaded
 * while the call waited (`run`), or the model file failed to load (`environment`: a damaged or
 * unsupported GGUF). `code` is `llamacpp_<reason>`.
 *
 * @example
 * throw new LlamaRuntimeError("load_failed", `failed to load GGUF model ${path}: ${reason}`);
 */
export class LlamaRuntimeError extends MoAError {
  readonly reason: LlamaRuntimeFailure;

  constructor(reason: LlamaRuntimeFailure, message: string, options: { cause?: unknown } = {}) {
    super(message, { code: `llamacpp_${reason}`, category: reason === "load_failed" ? "environment" : "run", ...options });
    this.name = "LlamaRuntimeError";
    this.reason = reason;
  }
}
