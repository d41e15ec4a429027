import type { ResolvedAgent } from "../config/ensureConfig.js";
import { ChatLlamaCppLocal } from "../models/llamacpp/ChatLlamaCppLocal.js";
import { ESTIMATE_COUNTER, type TokenCounter } from "../models/tokenCounter.js";

/**
 * The token counter for an agent's model: the GGUF file's own tokenizer for llama.cpp models
 * (a reference or a {@link ChatLlamaCppLocal} instance), the character estimate for every other
 * backend (Ollama and OpenAI-compatible servers expose no tokenize endpoint we can rely on).
 *
 * If the llama.cpp model cannot be loaded, the counter falls back to the estimate: the call that
 * follows will fail with the real reason and be recorded, which is a better place to report it.
 *
 * @example
 * const counter = tokenCounterFor(agent);
 * await counter.count("Hello"); // e.g. 2 with a Llama tokenizer
 */
export function tokenCounterFor(agent: ResolvedAgent): TokenCounter {
  const model = llamaCppModelOf(agent);
  if (!model) return ESTIMATE_COUNTER;
  let usable = true;
  const counter: { kind: TokenCounter["kind"]; count(text: string): Promise<number> } = {
    kind: "model",
    async count(text) {
      if (!usable) return ESTIMATE_COUNTER.count(text);
      try {
        return await model.countTokens(text);
      } catch {
        usable = false;
        counter.kind = "estimate";
        return ESTIMATE_COUNTER.count(text);
      }
    },
  };
  return counter;
}

function llamaCppModelOf(agent: ResolvedAgent): ChatLlamaCppLocal | undefined {
  const { model, settings } = agent;
  if (model instanceof ChatLlamaCppLocal) return model;
  if (!("provider" in model) || model.provider !== "llamacpp") return undefined;
  // Same layout as createChatModel's instance, so the context the runtime creates here is the one
  // the call will use: counting costs no extra memory.
  return new ChatLlamaCppLocal({ modelPath: model.path, ...(settings.contextWindow !== undefined ? { contextSize: settings.contextWindow } : {}) });
}
