import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { clearLookupCache } from "./lookupCache.js";
import type { ModelAgent } from "./ModelAgent.js";
import { isModelRef } from "./ModelRef.js";
import { providerOf, providerOfModel } from "./providers/registry.js";
import { UnavailableChatModel } from "./UnavailableChatModel.js";

/**
 * The context window, in tokens, of the model an agent calls, or `undefined` when it is unknown (an
 * OpenAI-compatible server, an instance no provider claims), in which case the prompt is sent
 * without budgeting:
 *
 * 1. the agent's `contextWindow` setting;
 * 2. else the provider of `model` (the instance that answers, so a custom model factory's model is
 *    the one measured), or of the agent's reference: Ollama asks `/api/show` (the Modelfile's
 *    `num_ctx`, else the trained length); llama.cpp reads the GGUF header (capped at the context the
 *    runtime creates). Both assume 8192 tokens when their lookup fails.
 *
 * Lookups are cached per model for the life of the process; a failed lookup is not, so the next run
 * asks again.
 *
 * @example
 * await contextWindowOf(topology.aggregator, createChatModel(topology.aggregator)); // 4096
 */
export async function contextWindowOf(agent: ModelAgent, model: BaseChatModel): Promise<number | undefined> {
  if (agent.settings.contextWindow !== undefined) return agent.settings.contextWindow;
  // A model that cannot answer is never sent a prompt; asking its server would reach a server the
  // pre-flight left out.
  if (model instanceof UnavailableChatModel) return undefined;
  const provider = providerOfModel(model) ?? (isModelRef(agent.model) ? providerOf(agent.model) : undefined);
  return provider?.contextWindow?.(agent, model);
}

/**
 * Forgets every cached window (and parameter count), e.g. after a model was re-created with another `num_ctx`.
 *
 * @example
 * clearContextWindowCache();
 */
export function clearContextWindowCache(): void {
  clearLookupCache();
}
