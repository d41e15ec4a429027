import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { RunReport } from "../../report/buildRunReport.js";
import { readTurn } from "../runs/startTurn.js";
import { admitTurn, failureOf, type OpenAIRoutesContext } from "./turnRequest.js";
import { parseRequestBody } from "./parseRequestBody.js";
import { chatRole, contentText, ResponsesRequestSchema, type ChatTurnMessage, type ResponsesRequest } from "./requestSchemas.js";
import { runDetails } from "./runDetails.js";
import { keepStreamAlive } from "./keepStreamAlive.js";
import { toOpenAIError } from "./toOpenAIError.js";

/**
 * `POST /v1/responses`, the subset a chat client needs: text or message input (with `instructions`),
 * one text output, streamed as `response.created`, `response.output_text.delta`... `response.completed`
 * with usage. Some clients (and some model names in others) use it instead of chat completions.
 *
 * @example
 * app.post("/v1/responses", (c) => responses(c, context));
 */
export async function responses(c: Context, context: OpenAIRoutesContext): Promise<Response> {
  const request = await parseRequestBody(c, ResponsesRequestSchema);
  const { turn, controller, finish } = await admitTurn({
    context,
    c,
    model: request.model,
    thread: request.moa?.thread,
    messages: inputMessages(request),
    settings: { maxTokens: request.max_output_tokens ?? undefined, temperature: request.temperature ?? undefined },
  });
  const responseId = `resp_${randomUUID().replaceAll("-", "")}`;
  const itemId = `msg_${randomUUID().replaceAll("-", "")}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const details = request.moa?.details === true;
  const response = (status: "in_progress" | "completed", text: string | undefined, report?: RunReport) => ({
    id: responseId,
    object: "response",
    created_at: createdAt,
    status,
    model: request.model,
    output: text === undefined ? [] : [outputMessage(itemId, text, "completed")],
    output_text: text ?? "",
    usage: report ? responseUsage(report) : null,
    ...(details && report ? { moa: runDetails(report) } : {}),
  });
  if (!request.stream) {
    try {
      const { text, report } = await readTurn(turn.events).catch((error: unknown) => {
        throw failureOf(error, controller);
      });
      return c.json(response("completed", text, report));
    } finally {
      await finish();
    }
  }
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => controller.abort(new Error("the client disconnected")));
    const stopKeepAlive = keepStreamAlive(stream);
    let sequence = 0;
    const send = (type: string, fields: Record<string, unknown>) =>
      stream.writeSSE({ event: type, data: JSON.stringify({ type, sequence_number: sequence++, ...fields }) });
    try {
      await send("response.created", { response: response("in_progress", undefined) });
      await send("response.in_progress", { response: response("in_progress", undefined) });
      await send("response.output_item.added", { output_index: 0, item: { ...outputMessage(itemId, "", "in_progress"), content: [] } });
      const part = { item_id: itemId, output_index: 0, content_index: 0 };
      await send("response.content_part.added", { ...part, part: { type: "output_text", text: "", annotations: [] } });
      let text = "";
      let report: RunReport | undefined;
      for await (const event of turn.events) {
        if (stream.aborted) break;
        if (event.type === "reply_delta") {
          text += event.text;
          await send("response.output_text.delta", { ...part, delta: event.text, logprobs: [] });
        } else if (event.type === "agent" && details) await send("moa.agent", { event: event.event });
        else if (event.type === "done") report = event.report;
      }
      if (stream.aborted) return;
      await send("response.output_text.done", { ...part, text, logprobs: [] });
      await send("response.content_part.done", { ...part, part: { type: "output_text", text, annotations: [] } });
      await send("response.output_item.done", { output_index: 0, item: outputMessage(itemId, text, "completed") });
      await send("response.completed", { response: response("completed", text, report) });
    } catch (error) {
      if (!stream.aborted) {
        const failure = toOpenAIError(failureOf(error, controller));
        if (failure.status === 500) context.log(`response ${responseId} failed: ${String((error as Error)?.stack ?? error)}`);
        await send("error", { code: failure.code, message: failure.message, param: failure.param ?? null });
      }
    } finally {
      stopKeepAlive();
      await finish();
    }
  });
}

function inputMessages(request: ResponsesRequest): ChatTurnMessage[] {
  const instructions: ChatTurnMessage[] = request.instructions ? [{ role: "system", content: request.instructions }] : [];
  if (typeof request.input === "string") return [...instructions, { role: "user", content: request.input }];
  return [...instructions, ...request.input.map((m) => ({ role: chatRole(m.role), content: contentText(m.content) }))];
}

function outputMessage(id: string, text: string, status: "in_progress" | "completed") {
  return { id, type: "message", role: "assistant", status, content: [{ type: "output_text", text, annotations: [] }] };
}

function responseUsage(report: RunReport) {
  const { inputTokens, outputTokens } = report.totals;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}
