import { MoAError } from "../../errors/MoAError.js";

/**
 * Why a run was cancelled when the server stopped before it ended: its client gets 503 (`shutting_down`)
 * and may retry on another instance; what the run finished is checkpointed.
 *
 * @example
 * controller.abort(new ServerStoppingError());
 */
export class ServerStoppingError extends MoAError {
  constructor() {
    super("the server stopped before the run ended; what it finished is saved on its thread, retry on another instance", {
      code: "shutting_down",
      category: "environment",
    });
    this.name = "ServerStoppingError";
  }
}
