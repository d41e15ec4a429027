import { isMoAError } from "../../errors/MoAError.js";
import { SlotRefusedError } from "../runs/RunSlots.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

/**
 * The HTTP error a failure is answered with. Errors of this package carry messages written for people,
 * and their category decides the status; anything else is an internal error whose details stay in the
 * server's log, never sent to the client.
 *
 * @example
 * return c.json(toOpenAIError(error).body(), toOpenAIError(error).status);
 */
export function toOpenAIError(error: unknown, { retryAfterSeconds = 1 }: { retryAfterSeconds?: number } = {}): OpenAIHttpError {
  if (error instanceof OpenAIHttpError) return error;
  if (error instanceof SlotRefusedError)
    return error.reason === "closed"
      ? new OpenAIHttpError("the server is shutting down; retry on another instance", {
          status: 503,
          type: "server_error",
          code: "shutting_down",
        })
      : new OpenAIHttpError("too many runs at once; retry after the time in the Retry-After header", {
          status: 429,
          type: "rate_limit_error",
          code: "too_many_runs",
          retryAfterSeconds,
        });
  if (isMoAError(error)) {
    const message = error.fix ? `${error.message} (fix: ${error.fix})` : error.message;
    if (error.code === "thread_busy")
      return new OpenAIHttpError(`${error.message}; wait for its turn to end, or start a new thread`, {
        status: 409,
        type: "conflict_error",
        code: "thread_busy",
      });
    if (error.category === "usage" || error.category === "config")
      return new OpenAIHttpError(message, { status: 400, type: "invalid_request_error", code: error.code });
    if (error.category === "environment") return new OpenAIHttpError(message, { status: 503, type: "server_error", code: error.code });
    return new OpenAIHttpError(message, { status: 502, type: "server_error", code: error.code });
  }
  return new OpenAIHttpError("internal server error; the server's log has the details", {
    status: 500,
    type: "server_error",
    code: "internal_error",
  });
}
