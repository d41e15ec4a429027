import { MoAError } from "../errors/MoAError.js";

/**
 * A model server answered in a way its protocol does not allow: an invalid line in a stream, a
 * redirect elsewhere, a body that is not the expected JSON. It fails the one call, like any other
 * wire fault, and becomes that agent's recorded error.
 */
export class UnexpectedResponseError extends MoAError {
  constructor(message: string, fix?: string) {
    super(message, { code: "unexpected_response", category: "run", fix });
    this.name = "UnexpectedResponseError";
  }
}
