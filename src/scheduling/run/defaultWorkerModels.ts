import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOllama } from "@langchain/ollama";
import { resolveAgent } from "../../config/resolveAgent.js";
import { ConfigError } from "../../errors/ConfigError.js";
import { createChatModel } from "../../models/createChatModel.js";
import type { SchedulingProblem } from "../types.js";
import { setOllamaKeepAlive } from "./setOllamaKeepAlive.js";

const CLIENT_TIMEOUT_MS = 86_400_000;

/** How a batch reaches its workers. */
export interface WorkerModels {
  /** The chat model for a model on a worker (the same instance for repeated calls). */
  chat(options: { worker: number; model: number }): BaseChatModel;
  /** Makes a model resident on a worker, after unloading the models the schedule's rule evicts. */
  load(options: { worker: number; model: number; evicted: number[]; signal?: AbortSignal }): Promise<void>;
  /** Called once at the end: lets the workers' models expire again. */
  release?(): Promise<void>;
}

/**
 * Calls each worker's server (its `endpoint` in the workload): Ollama models are loaded and pinned with
 * `keep_alive` for the batch, unloaded when the schedule evicts them, and given Ollama's default expiry
 * back at the end; OpenAI-compatible servers load models themselves.
 *
 * @example
 * const models = defaultWorkerModels({ problem, maxTokens: 512 });
 */
export function defaultWorkerModels({ problem, maxTokens = 1024 }: { problem: SchedulingProblem; maxTokens?: number }): WorkerModels {
  const missing = problem.workers.flatMap((w, i) =>
    w.endpoint
      ? []
      : [{ path: `workers[${i}].endpoint`, message: `moa batch calls every worker: give ${w.name} its server (kind and baseUrl)` }],
  );
  if (missing.length > 0) throw new ConfigError(missing);
  const cache = new Map<string, BaseChatModel>();
  const pinned = new Set<string>();
  const endpointOf = (worker: number) => problem.workers[worker]!.endpoint!;
  return {
    chat({ worker, model }) {
      const key = `${worker}:${model}`;
      let chat = cache.get(key);
      if (!chat) {
        const { kind, baseUrl } = endpointOf(worker);
        const agent = resolveAgent(
          // The batch times each call itself, from the worker's turn (--call-timeout); the client's own
          // deadline only stops a call that somehow outlives that.
          { model: `${kind}:${problem.models[model]!.model}@${baseUrl}`, maxTokens, timeoutMs: CLIENT_TIMEOUT_MS },
          {
            placement: {
              id: `batch/${problem.models[model]!.name}`,
              name: problem.models[model]!.name,
              layer: 1,
              index: 0,
              role: "expert",
            },
            baseDir: process.cwd(),
          },
        );
        chat = createChatModel(agent);
        // Every call pins the model again; otherwise each call would reset its expiry to Ollama's 5 minutes.
        if (chat instanceof ChatOllama) chat.keepAlive = -1;
        cache.set(key, chat);
      }
      return chat;
    },
    async load({ worker, model, evicted, signal }) {
      const { kind, baseUrl } = endpointOf(worker);
      if (kind !== "ollama") return;
      for (const old of evicted) {
        await setOllamaKeepAlive({ baseUrl, model: problem.models[old]!.model, keepAlive: 0, ...(signal ? { signal } : {}) });
        pinned.delete(`${worker}:${old}`);
      }
      await setOllamaKeepAlive({ baseUrl, model: problem.models[model]!.model, keepAlive: -1, ...(signal ? { signal } : {}) });
      pinned.add(`${worker}:${model}`);
    },
    async release() {
      await Promise.allSettled(
        [...pinned].map((key) => {
          const [worker, model] = key.split(":").map(Number) as [number, number];
          return setOllamaKeepAlive({
            baseUrl: endpointOf(worker).baseUrl,
            model: problem.models[model]!.model,
            keepAlive: "5m",
            timeoutMs: 10_000,
          });
        }),
      );
    },
  };
}
