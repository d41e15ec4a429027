import { formatPath } from "../../errors/formatZodIssues.js";
import type { z } from "zod";

/** OpenAI's error types, which clients (the `openai` package among them) map to their error classes. */
export type OpenAIErrorType =
  "invalid_request_error" | "authentication_error" | "not_found_error" | "rate_limit_error" | "server_error" | "conflict_error";

/** Options of {@link OpenAIHttpError}. */
export interface OpenAIHttpErrorOptions {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502 | 503;
  type: OpenAIErrorType;
  /** Stable code, e.g. `model_not_found`. */
  code: string;
  /** The request field at fault, as a dotted path (`messages.0.content`). */
  param?: string | undefined;
  /** Seconds a client should wait before retrying (sent as `Retry-After`). */
  retryAfterSeconds?: number | undefined;
}

/**
 * An error answered to an HTTP client in OpenAI's shape, `{"error":{"message","type","param","code"}}`,
 * with its status. Messages are written for the client: they never hold a stack trace or a secret.
 *
 * @example
 * throw new OpenAIHttpError("no model \"gpt-4\" is served here; GET /v1/models lists them", { status: 404, type: "not_found_error", code: "model_not_found", param: "model" });
 */
export class OpenAIHttpError extends Error {
  readonly status: OpenAIHttpErrorOptions["status"];
  readonly type: OpenAIErrorType;
  readonly code: string;
  readonly param: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, { status, type, code, param, retryAfterSeconds }: OpenAIHttpErrorOptions) {
    super(message);
    this.name = "OpenAIHttpError";
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The response body. */
  body(): { error: { message: string; type: OpenAIErrorType; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param ?? null, code: this.code } };
  }

  /** A 400 naming every invalid field of a request body at once. */
  static invalidBody(issues: readonly z.core.$ZodIssue[]): OpenAIHttpError {
    const described = issues.map((issue) => `${issue.path.length ? formatPath(issue.path) : "body"}: ${issue.message}`);
    const first = issues[0];
    return new OpenAIHttpError(`invalid request: ${described.join("; ")}`, {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_request",
      param: first && first.path.length ? first.path.join(".") : undefined,
    });
  }
}
