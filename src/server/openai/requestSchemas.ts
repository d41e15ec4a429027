import { z } from "zod";

// Request bodies are loose objects: OpenAI clients send fields this server has no use for (`user`,
// `top_p`, `seed`...) and must not be refused for them. Fields that would change the answer's meaning
// if silently ignored (tools, several choices) are refused by name instead.

const textPart = z.object({ type: z.enum(["text", "input_text", "output_text"]), text: z.string() });
const content = z.union([z.string(), z.array(textPart).min(1, "give at least one text part")]);

/** `moa` extension of a request: continue a thread, and ask for per-agent details. */
export const MoARequestExtensionSchema = z
  .object({
    /** A thread id from an earlier response's `X-MoA-Thread` header. */
    thread: z.string().min(1).max(200).optional(),
    /** Add every agent's answer, the route and the gate decision to the response (and agent events to a stream). */
    details: z.boolean().optional(),
  })
  .strict();

const sampling = {
  temperature: z.number().min(0).max(2).nullish(),
  stream: z.boolean().nullish(),
  moa: MoARequestExtensionSchema.optional(),
};

/** `POST /v1/chat/completions`. */
export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1, "name a model from GET /v1/models"),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(["system", "developer", "user", "assistant"], {
          message: "expected one of system, developer, user, assistant (tool messages are not supported)",
        }),
        content: content.nullable(),
      }),
    )
    .min(1, "give at least one message"),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.literal(1, { message: "only one choice per request is supported (n: 1)" }).nullish(),
  tools: z.array(z.unknown()).max(0, "tools are not supported by mixtures").nullish(),
  ...sampling,
});
export type ChatCompletionRequest = z.output<typeof ChatCompletionRequestSchema>;

const responseInputMessage = z.looseObject({
  type: z.literal("message").optional(),
  role: z.enum(["system", "developer", "user", "assistant"]),
  content,
});

/** `POST /v1/responses` (the subset a chat needs: text or message input, no tools). */
export const ResponsesRequestSchema = z.looseObject({
  model: z.string().min(1, "name a model from GET /v1/models"),
  input: z.union([z.string().min(1, "give a non-empty input"), z.array(responseInputMessage).min(1, "give at least one message")]),
  instructions: z.string().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  previous_response_id: z
    .null({ message: "is not supported: continue a conversation by its thread, the X-MoA-Thread header of the earlier response" })
    .optional(),
  tools: z.array(z.unknown()).max(0, "tools are not supported by mixtures").nullish(),
  ...sampling,
});
export type ResponsesRequest = z.output<typeof ResponsesRequestSchema>;

/** A message as the run takes it, whatever API it came through. */
export interface ChatTurnMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** The text of a message's content: its text parts joined. */
export function contentText(value: z.output<typeof content> | null): string {
  if (value === null) return "";
  return typeof value === "string" ? value : value.map((part) => part.text).join("");
}

/** `developer` is OpenAI's newer name for `system`. */
export function chatRole(role: "system" | "developer" | "user" | "assistant"): ChatTurnMessage["role"] {
  return role === "developer" ? "system" : role;
}
