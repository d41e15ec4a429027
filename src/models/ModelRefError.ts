import { MoAError } from "../errors/MoAError.js";

/** Thrown when a model reference string cannot be understood; the message names the reference. */
export class ModelRefError extends MoAError {
  constructor(message: string) {
    super(message, { code: "invalid_model_ref", category: "config" });
    this.name = "ModelRefError";
  }
}
