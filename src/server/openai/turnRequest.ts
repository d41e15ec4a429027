import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import type { RunStore } from "../../persistence/RunStore.js";
import type { ServedMixture } from "../mixtures/ServedMixture.js";
import type { RequestSettings } from "../runs/mixtureGraph.js";
import type { RunSlots } from "../runs/RunSlots.js";
import { ServerStoppingError } from "../runs/ServerStoppingError.js";
import { startTurn, type Turn } from "../runs/startTurn.js";
import { OpenAIHttpError } from "./OpenAIHttpError.js";
import type { ChatTurnMessage } from "./requestSchemas.js";

/** What the OpenAI routes share: the served mixtures, where runs persist, and the run limits. */
export interface OpenAIRoutesContext {
  mixtures: ReadonlyMap<string, ServedMixture>;
  /** Models that are named but could not be loaded, with why (answered 503). */
  unavailable: ReadonlyMap<string, string>;
  store: RunStore | undefined;
  slots: RunSlots;
  /** Sent with 429s. */
  retryAfterSeconds: number;
  /** Aborted when the server gives up waiting for runs at shutdown: every run still going is cancelled. */
  stopRuns: AbortSignal;
  /** Logs a failure the client only sees as an internal error. */
  log: (line: string) => void;
}

/** The header that names a request's thread, and the response's. */
export const THREAD_HEADER = "X-MoA-Thread";
// UUIDs, as the LangGraph API (and so the web page) names threads: every thread served here opens in both.
const THREAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A turn admitted to run: its thread, the signal that cancels it, and what to release at the end. */
export interface AdmittedTurn {
  mixture: ServedMixture;
  turn: Turn;
  /** Aborted when the client goes away (or the server stops waiting at shutdown). */
  controller: AbortController;
  /** Gives back the run slot and the thread (idempotent). */
  finish(): Promise<void>;
}

/**
 * Admits a request's turn: the model is served, the thread id is valid, a run slot is free (or one
 * frees up while the request waits in line), and the thread is not running another turn. A client that
 * disconnects cancels the run through the returned controller.
 *
 * @example
 * const admitted = await admitTurn({ context, c, model: "moa-lite", thread: undefined, messages, settings });
 */
export async function admitTurn({
  context,
  c,
  model,
  thread,
  messages,
  settings,
}: {
  context: OpenAIRoutesContext;
  c: Context;
  model: string;
  thread: string | undefined;
  messages: ChatTurnMessage[];
  settings: RequestSettings;
}): Promise<AdmittedTurn> {
  const mixture = context.mixtures.get(model);
  const unavailable = context.unavailable.get(model);
  if (!mixture && unavailable !== undefined)
    throw new OpenAIHttpError(`the model "${model}" cannot run: ${unavailable}`, {
      status: 503,
      type: "server_error",
      code: "model_unavailable",
      param: "model",
    });
  if (!mixture)
    throw new OpenAIHttpError(
      `no model "${model}" is served here; GET /v1/models lists them (${[...context.mixtures.keys()].join(", ")})`,
      {
        status: 404,
        type: "not_found_error",
        code: "model_not_found",
        param: "model",
      },
    );
  const named = thread ?? c.req.header(THREAD_HEADER);
  if (named !== undefined && !THREAD_ID.test(named))
    throw new OpenAIHttpError(
      `thread id "${named.slice(0, 40)}" is invalid: expected a UUID, as an earlier response's X-MoA-Thread header gives`,
      {
        status: 400,
        type: "invalid_request_error",
        code: "invalid_thread",
        param: "moa.thread",
      },
    );
  if (named !== undefined && !context.store)
    throw new OpenAIHttpError("this server keeps no threads (started with --no-persist); leave out the thread", {
      status: 400,
      type: "invalid_request_error",
      code: "thread_without_persistence",
      param: "moa.thread",
    });
  if (messages.at(-1)?.role !== "user")
    throw new OpenAIHttpError("the last message must be the user's question", {
      status: 400,
      type: "invalid_request_error",
      code: "invalid_request",
      param: "messages",
    });
  const controller = new AbortController();
  const onClientGone = () => controller.abort(new Error("the client disconnected"));
  const clientSignal = c.req.raw.signal;
  clientSignal.addEventListener("abort", onClientGone, { once: true });
  const onStop = () => controller.abort(new ServerStoppingError());
  if (context.stopRuns.aborted) onStop();
  else context.stopRuns.addEventListener("abort", onStop, { once: true });
  const unlisten = () => {
    clientSignal.removeEventListener("abort", onClientGone);
    context.stopRuns.removeEventListener("abort", onStop);
  };
  let releaseSlot: (() => void) | undefined;
  try {
    releaseSlot = await context.slots.acquire(controller.signal);
    const threadId = named ?? randomUUID();
    c.header(THREAD_HEADER, threadId);
    const turn = await startTurn({ mixture, store: context.store, threadId, messages, settings, signal: controller.signal });
    return {
      mixture,
      turn,
      controller,
      finish: async () => {
        unlisten();
        try {
          await turn.close();
        } finally {
          releaseSlot?.();
        }
      },
    };
  } catch (error) {
    releaseSlot?.();
    unlisten();
    throw error;
  }
}

/**
 * What a failed run is answered with: the reason its run was cancelled for (the server stopping), rather
 * than the abort error the graph threw for it.
 *
 * @example
 * catch (error) { throw failureOf(error, admitted.controller); }
 */
export function failureOf(error: unknown, controller: AbortController): unknown {
  return controller.signal.aborted && controller.signal.reason instanceof ServerStoppingError ? controller.signal.reason : error;
}
