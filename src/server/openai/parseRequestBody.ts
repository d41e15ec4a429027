import type { Context } from "hono";
import type { z } from "zod";
import { OpenAIHttpError } from "./OpenAIHttpError.js";

/**
 * A request's JSON body, validated: invalid JSON and every invalid field become one 400 naming them.
 *
 * @example
 * const request = await parseRequestBody(c, ChatCompletionRequestSchema);
 */
export async function parseRequestBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.output<Schema>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new OpenAIHttpError("the request body is not valid JSON", { status: 400, type: "invalid_request_error", code: "invalid_json" });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw OpenAIHttpError.invalidBody(parsed.error.issues);
  return parsed.data;
}
