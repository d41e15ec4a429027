import { MoAError } from "../errors/MoAError.js";

/** Raised when an agent's model cannot be constructed (e.g. an `openai:` model with no key for OpenAI's API). */
export class ModelSetupError extends MoAError {
  constructor(message: string, fix?: string) {
    super(message, { code: "model_setup_failed", category: "config", fix });
    this.name = "ModelSetupError";
  }
}
