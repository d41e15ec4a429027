import type { MiddlewareHandler } from "hono";
import { toOpenAIError } from "../openai/toOpenAIError.js";
import { SlotRefusedError, type RunSlots } from "../runs/RunSlots.js";
import { releasedAtEnd } from "./releasedAtEnd.js";

/**
 * Counts a streamed LangGraph API run against the server's run limits, as the OpenAI routes' runs are:
 * it waits in line for a slot, is refused with 429 (and `Retry-After`) when the line is full or 503 while
 * the server drains, and gives the slot back when its response ends or the client goes away.
 *
 * @example
 * app.post("/threads/:thread_id/runs/stream", runSlot(slots));
 */
export function runSlot(slots: RunSlots, { retryAfterSeconds = 1 }: { retryAfterSeconds?: number } = {}): MiddlewareHandler {
  return async (c, next) => {
    let release: () => void;
    try {
      release = await slots.acquire(c.req.raw.signal);
    } catch (error) {
      if (!(error instanceof SlotRefusedError)) throw error;
      const failure = toOpenAIError(error, { retryAfterSeconds });
      if (failure.retryAfterSeconds !== undefined) c.header("Retry-After", String(failure.retryAfterSeconds));
      return c.json(failure.body(), failure.status);
    }
    try {
      await next();
    } catch (error) {
      release();
      throw error;
    }
    const body = c.res.body;
    if (!body) {
      release();
      return;
    }
    c.res = new Response(
      releasedAtEnd(body, async () => release()),
      c.res,
    );
  };
}
