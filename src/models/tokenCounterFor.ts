import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ModelAgent } from "./ModelAgent.js";
import { isModelRef } from "./ModelRef.js";
import { providerOf, providerOfModel } from "./providers/registry.js";
import { ESTIMATE_COUNTER, type TokenCounter } from "./tokenCounter.js";

/**
 * The token counter for the model an agent calls: its provider's (llama.cpp counts with the GGUF's
 * own tokenizer, through the very instance that answers), else the character estimate (Ollama and
 * OpenAI-compatible servers expose no tokenize endpoint we can rely on).
 *
 * @example
 * const counter = tokenCounterFor(agent, model);
 * await counter.count("Hello"); // e.g. 2 with a Llama tokenizer
 */
export function tokenCounterFor(agent: ModelAgent, model: BaseChatModel): TokenCounter {
  const provider = providerOfModel(model) ?? (isModelRef(agent.model) ? providerOf(agent.model) : undefined);
  return provider?.tokenCounter?.(agent, model) ?? ESTIMATE_COUNTER;
}
