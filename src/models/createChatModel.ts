import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import { ConfigError } from "../errors/ConfigError.js";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import { definedOnly } from "../util/definedOnly.js";
import { agentEndpoint } from "./endpoints.js";
import { fetchWithTimeout } from "./fetchWithTimeout.js";
import { ChatLlamaCppLocal } from "./llamacpp/ChatLlamaCppLocal.js";
import { UnavailableChatModel } from "./UnavailableChatModel.js";
import { fetchWithRetryAfter } from "../policy/fetchWithRetryAfter.js";
import { MoAError } from "../errors/MoAError.js";

/** Builds the chat model an agent will call; replaceable through `buildMoAGraph({ modelFactory })`. */
export type ModelFactory = (agent: ResolvedAgent) => BaseChatModel;

/** Raised when an agent's model cannot be constructed (e.g. an `openai:` model with no key). */
export class ModelSetupError extends MoAError {
  constructor(message: string, fix?: string) {
    super(message, { code: "model_setup_failed", category: "config", fix });
    this.name = "ModelSetupError";
  }
}

/**
 * Creates the LangChain chat model for a resolved agent, mapping our settings onto each provider's
 * own option names. The clients never retry by themselves: `retries` and `retryBackoffMs` are applied
 * around the call by callAgent, the same way for every provider.
 *
 * @example
 * const model = createChatModel(ensureConfig(config).aggregator);
 */
export function createChatModel(agent: ResolvedAgent, env: NodeJS.ProcessEnv = process.env): BaseChatModel {
  const { model, settings: s } = agent;
  if (!("provider" in model)) return model;
  if (model.provider === "llamacpp") {
    return new ChatLlamaCppLocal({
      modelPath: model.path,
      ...(model.source !== undefined ? { downloadFrom: model.source } : {}),
      ...(agent.llamaSequences !== undefined ? { sequences: agent.llamaSequences } : {}),
      ...definedOnly({ temperature: s.temperature, maxTokens: s.maxTokens, topP: s.topP, topK: s.topK, seed: s.seed, stop: s.stop, contextSize: s.contextWindow }),
    });
  }
  const endpoint = agentEndpoint(agent, env);
  if (endpoint?.provider === "ollama") {
    return new ChatOllama({
      model: "model" in model ? model.model : "",
      baseUrl: endpoint.url,
      ...definedOnly({ temperature: s.temperature, numPredict: s.maxTokens, topP: s.topP, topK: s.topK, seed: s.seed, stop: s.stop, numCtx: s.contextWindow }),
      // Retries are ours (callAgent's withRetries): the client retrying too would multiply them.
      maxRetries: 0,
      fetch: fetchWithRetryAfter(fetchWithTimeout(s.timeoutMs)),
    });
  }
  if (endpoint?.provider === "openai" && "model" in model) {
    if (!endpoint.apiKey) {
      throw new ModelSetupError(
        `agent "${agent.id}" (${agent.modelLabel}): no API key for ${endpoint.baseUrl}; set ${endpoint.keySource === "OPENAI_API_KEY" ? "OPENAI_API_KEY" : `the environment variable ${endpoint.keySource}`}, or apiKey/apiKeyEnv in the config`,
      );
    }
    return new ChatOpenAI({
      model: model.model,
      apiKey: endpoint.apiKey,
      configuration: { baseURL: endpoint.baseUrl },
      ...definedOnly({ temperature: s.temperature, maxTokens: s.maxTokens, topP: s.topP, stop: s.stop }),
      // ChatOpenAI takes `seed` only per call; modelKwargs puts it in every request body.
      ...(s.seed !== undefined ? { modelKwargs: { seed: s.seed } } : {}),
      // Retries are ours (callAgent's withRetries): the client retrying too would multiply them.
      maxRetries: 0,
      streamUsage: true,
    });
  }
  throw new ModelSetupError(`agent "${agent.id}": unsupported model ${agent.modelLabel}`);
}

/**
 * Like the factory, but a model that cannot be set up becomes an {@link UnavailableChatModel}, so the
 * agent fails (and is recorded) at call time while the rest of the topology still runs.
 * Configuration errors (such as an invalid OLLAMA_HOST) still throw: they concern every agent.
 */
export function createModelSafely(agent: ResolvedAgent, factory: ModelFactory = createChatModel): BaseChatModel {
  try {
    return factory(agent);
  } catch (error) {
    if (error instanceof ConfigError || !(error instanceof Error)) throw error;
    return new UnavailableChatModel(error);
  }
}
