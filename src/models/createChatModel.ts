import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import { ChatLlamaCppLocal } from "./llamacpp/index.js";
import { resolveOllamaUrl, resolveOpenAIEndpoint } from "./endpoints.js";

function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}

/** Builds the chat model an agent will call; replaceable through `buildMoAGraph({ modelFactory })`. */
export type ModelFactory = (agent: ResolvedAgent) => BaseChatModel;

/** Raised when an agent's model cannot be constructed (e.g. an `openai:` model with no key). */
export class ModelSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelSetupError";
  }
}

/**
 * Creates the LangChain chat model for a resolved agent, mapping our settings onto each provider's
 * own option names.
 *
 * @example
 * const model = createChatModel(ensureConfig(config).aggregator);
 */
export function createChatModel(agent: ResolvedAgent, env: NodeJS.ProcessEnv = process.env): BaseChatModel {
  const { model, settings: s } = agent;
  if (!("provider" in model)) return model;
  switch (model.provider) {
    case "ollama":
      return new ChatOllama({
        model: model.model,
        baseUrl: resolveOllamaUrl(model.baseUrl ?? s.baseUrl, env),
        temperature: s.temperature,
        numPredict: s.maxTokens,
        topP: s.topP,
        topK: s.topK,
        seed: s.seed,
        stop: s.stop,
        numCtx: s.contextWindow,
        maxRetries: s.retries,
        // ChatOllama checks its call signal only between stream chunks, so a server that stops
        // answering would hold the socket forever; the timeout is enforced on the request itself.
        fetch: fetchWithTimeout(s.timeoutMs),
      });
    case "openai": {
      const endpoint = resolveOpenAIEndpoint(
        { baseUrl: model.baseUrl ?? s.baseUrl, apiKey: s.apiKey, apiKeyEnv: s.apiKeyEnv },
        env,
      );
      if (!endpoint.apiKey) {
        throw new ModelSetupError(
          `agent "${agent.id}" (${agent.modelLabel}): no API key; set apiKey/apiKeyEnv in the config or OPENAI_API_KEY, or set a baseUrl for a local OpenAI-compatible server`,
        );
      }
      return new ChatOpenAI({
        model: model.model,
        apiKey: endpoint.apiKey,
        configuration: endpoint.baseUrl ? { baseURL: endpoint.baseUrl } : {},
        temperature: s.temperature,
        maxTokens: s.maxTokens,
        ...(s.topP !== undefined ? { topP: s.topP } : {}),
        ...(s.stop !== undefined ? { stop: s.stop } : {}),
        ...(s.seed !== undefined ? { modelKwargs: { seed: s.seed } } : {}),
        maxRetries: s.retries,
        streamUsage: true,
      });
    }
    case "llamacpp":
      return new ChatLlamaCppLocal({
        modelPath: model.path,
        temperature: s.temperature,
        maxTokens: s.maxTokens,
        ...(s.topP !== undefined ? { topP: s.topP } : {}),
        ...(s.topK !== undefined ? { topK: s.topK } : {}),
        ...(s.seed !== undefined ? { seed: s.seed } : {}),
        ...(s.stop !== undefined ? { stop: s.stop } : {}),
        ...(s.contextWindow !== undefined ? { contextSize: s.contextWindow } : {}),
      });
  }
}
