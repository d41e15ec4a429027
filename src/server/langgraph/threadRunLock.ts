import type { MiddlewareHandler } from "hono";
import type { RunStore } from "../../persistence/RunStore.js";
import { ThreadBusyError } from "../../persistence/ThreadBusyError.js";
import { releasedAtEnd } from "./releasedAtEnd.js";

/**
 * Holds the thread's write lock in the store for as long as a streamed run's response lasts. The embed
 * server queues runs per thread in its own memory only; two processes sharing a store (or a page and a
 * `moa run --thread`) would otherwise run one thread at once and fork its history. A thread that is
 * busy answers 409, as the LangGraph server does for a thread already running a task.
 *
 * @example
 * app.post("/threads/:thread_id/runs/stream", threadRunLock(store));
 */
export function threadRunLock(store: RunStore): MiddlewareHandler {
  return async (c, next) => {
    const threadId = c.req.param("thread_id");
    if (!threadId) return next();
    let release: () => Promise<void>;
    try {
      const lock = await store.lockThread(threadId, { waitMs: 0 });
      release = () => lock.release();
    } catch (error) {
      if (error instanceof ThreadBusyError) return c.json({ error: "ThreadBusy", message: error.message }, 409);
      throw error;
    }
    try {
      await next();
    } catch (error) {
      await release();
      throw error;
    }
    const body = c.res.body;
    if (!body) {
      await release();
      return;
    }
    c.res = new Response(releasedAtEnd(body, release), c.res);
  };
}
