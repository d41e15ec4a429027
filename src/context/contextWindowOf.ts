import type { ResolvedAgent } from "../config/ensureConfig.js";
import { readGgufInfo } from "../models/llamacpp/ggufInfo.js";
import { DEFAULT_MAX_CONTEXT_SIZE } from "../models/llamacpp/llamaRuntime.js";
import { readOllamaContextWindow } from "./readOllamaContextWindow.js";
import { windowSourceOf } from "./windowSource.js";

/** Window assumed when a backend that has one (Ollama, GGUF) cannot tell us its size. */
export const DEFAULT_CONTEXT_WINDOW = 8192;

// Per model, the lookup in flight or its result. Failures are not kept (see below).
const cache = new Map<string, Promise<number | undefined>>();

/**
 * The context window, in tokens, of an agent's model, or `undefined` when it is unknown (an
 * OpenAI-compatible server or a model instance we cannot inspect, without `contextWindow`), in
 * which case the prompt is sent without budgeting.
 *
 * 1. `settings.contextWindow` (or the instance's `numCtx` / `contextSize`) when configured;
 * 2. Ollama: `num_ctx` of the Modelfile, else the trained context length (`POST /api/show`);
 * 3. llama.cpp: the GGUF's trained context length, capped at the runtime's default context size
 *    ({@link DEFAULT_MAX_CONTEXT_SIZE}), since that is the context the runtime creates;
 * 4. {@link DEFAULT_CONTEXT_WINDOW} when the lookup of 2 or 3 fails.
 *
 * Lookups are cached per model for the life of the process. A failed lookup (server down or slow,
 * bounded by a short timeout) is not cached, so the next run asks again instead of keeping the
 * default forever.
 *
 * @example
 * await contextWindowOf(topology.aggregator); // 4096
 */
export async function contextWindowOf(agent: ResolvedAgent): Promise<number | undefined> {
  const source = windowSourceOf(agent);
  switch (source.kind) {
    case "configured":
      return source.tokens;
    case "unknown":
      return undefined;
    case "ollama":
      return (await cached(`ollama|${source.url}|${source.model}`, () => readOllamaContextWindow(source.url, source.model))) ?? DEFAULT_CONTEXT_WINDOW;
    case "gguf": {
      const trained = await cached(`gguf|${source.path}`, () => readGgufContextLength(source.path));
      return Math.min(trained ?? DEFAULT_CONTEXT_WINDOW, DEFAULT_MAX_CONTEXT_SIZE);
    }
  }
}

/**
 * The context length a GGUF file's model was trained with, from its header; `undefined` when the
 * file cannot be read or does not say. Never throws.
 *
 * @example
 * await readGgufContextLength("models/qwen2.5-0.5b-instruct-q4_k_m.gguf"); // 32768
 */
export function readGgufContextLength(path: string): Promise<number | undefined> {
  return readGgufInfo(path).then(
    (info) => info.contextLength,
    () => undefined,
  );
}

/**
 * Forgets every cached window, e.g. after a model was re-created with another `num_ctx`.
 *
 * @example
 * clearContextWindowCache();
 */
export function clearContextWindowCache(): void {
  cache.clear();
}

function cached(key: string, lookup: () => Promise<number | undefined>): Promise<number | undefined> {
  let entry = cache.get(key);
  if (!entry) {
    entry = lookup();
    cache.set(key, entry);
    void entry.then((value) => {
      if (value === undefined && cache.get(key) === entry) cache.delete(key);
    });
  }
  return entry;
}
