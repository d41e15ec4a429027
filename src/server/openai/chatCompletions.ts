import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { RunReport } from "../../report/buildRunReport.js";
import { readTurn } from "../runs/startTurn.js";
import { admitTurn, failureOf, type OpenAIRoutesContext } from "./turnRequest.js";
import { parseRequestBody } from "./parseRequestBody.js";
import { ChatCompletionRequestSchema, chatRole, contentText } from "./requestSchemas.js";
import { chatUsage, runDetails } from "./runDetails.js";
import { keepStreamAlive } from "./keepStreamAlive.js";
import { toOpenAIError } from "./toOpenAIError.js";

/**
 * `POST /v1/chat/completions`: runs the mixture named by `model` on the conversation and answers with
 * the reply, whole or streamed as `chat.completion.chunk`s ending with `data: [DONE]`. `usage` sums
 * every model call of the run. With `moa.details` the response carries every agent's answer, the route
 * and the gate decision (`moa`), and a stream also carries each agent's start and end as chunks with no
 * choices.
 *
 * @example
 * app.post("/v1/chat/completions", (c) => chatCompletions(c, context));
 */
export async function chatCompletions(c: Context, context: OpenAIRoutesContext): Promise<Response> {
  const request = await parseRequestBody(c, ChatCompletionRequestSchema);
  const admitted = await admitTurn({
    context,
    c,
    model: request.model,
    thread: request.moa?.thread,
    messages: request.messages.map((m) => ({ role: chatRole(m.role), content: contentText(m.content) })),
    settings: {
      maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
      temperature: request.temperature ?? undefined,
    },
  });
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const details = request.moa?.details === true;
  const { turn, controller, finish } = admitted;
  if (!request.stream) {
    try {
      const { text, report } = await readTurn(turn.events).catch((error: unknown) => {
        throw failureOf(error, controller);
      });
      return c.json({
        id,
        object: "chat.completion",
        created,
        model: request.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: "stop" }],
        ...(report ? { usage: chatUsage(report) } : {}),
        ...(details && report ? { moa: runDetails(report) } : {}),
      });
    } finally {
      await finish();
    }
  }
  const includeUsage = request.stream_options?.include_usage === true;
  const chunk = (fields: Record<string, unknown>) =>
    JSON.stringify({ id, object: "chat.completion.chunk", created, model: request.model, ...fields });
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => controller.abort(new Error("the client disconnected")));
    const stopKeepAlive = keepStreamAlive(stream);
    try {
      await stream.writeSSE({ data: chunk({ choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }) });
      let report: RunReport | undefined;
      for await (const event of turn.events) {
        if (stream.aborted) break;
        if (event.type === "reply_delta")
          await stream.writeSSE({ data: chunk({ choices: [{ index: 0, delta: { content: event.text }, finish_reason: null }] }) });
        else if (event.type === "agent" && details) await stream.writeSSE({ data: chunk({ choices: [], moa: { event: event.event } }) });
        else if (event.type === "done") report = event.report;
      }
      if (stream.aborted) return;
      await stream.writeSSE({
        data: chunk({
          choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
          ...(details && report ? { moa: runDetails(report) } : {}),
        }),
      });
      if (includeUsage && report) await stream.writeSSE({ data: chunk({ choices: [], usage: chatUsage(report) }) });
      await stream.writeSSE({ data: "[DONE]" });
    } catch (error) {
      if (!stream.aborted) {
        const failure = toOpenAIError(failureOf(error, controller));
        if (failure.status === 500) context.log(`chat completion ${id} failed: ${String((error as Error)?.stack ?? error)}`);
        await stream.writeSSE({ data: JSON.stringify(failure.body()) });
      }
    } finally {
      stopKeepAlive();
      await finish();
    }
  });
}
