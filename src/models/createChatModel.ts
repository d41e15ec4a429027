import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { isMoAError } from "../errors/MoAError.js";
import type { ModelAgent } from "./ModelAgent.js";
import { isModelRef } from "./ModelRef.js";
import { providerOf } from "./providers/registry.js";
import { UnavailableChatModel } from "./UnavailableChatModel.js";
import type { Environment } from "../util/environment.js";

export { ModelSetupError } from "./ModelSetupError.js";

/**
 * Creates the LangChain chat model an agent calls, through its reference's provider, which maps our
 * settings onto the client's own option names. The clients never retry by themselves: `retries` and
 * `retryBackoffMs` are applied around the call, the same way for every provider. A chat model given
 * in code is returned as it is.
 *
 * @example
 * const model = createChatModel(loadConfig({ preset: "moa-lite" }).aggregator);
 */
export function createChatModel(agent: ModelAgent, env: Environment = process.env): BaseChatModel {
  const { model } = agent;
  if (!isModelRef(model)) return model;
  return providerOf(model).createChatModel({ ...agent, model }, env);
}

/**
 * Like the factory, but a model that cannot be set up (an `openai:` model without its key) becomes an
 * {@link UnavailableChatModel}, so that agent fails, and is recorded, at call time while the rest of
 * the topology still runs. Configuration errors that concern every agent (an invalid `OLLAMA_HOST`)
 * still throw.
 *
 * @example
 * const model = createModelSafely(agent, modelFactory);
 */
export function createModelSafely<A extends ModelAgent>(agent: A, factory: (agent: A) => BaseChatModel = createChatModel): BaseChatModel {
  try {
    return factory(agent);
  } catch (error) {
    if (!(error instanceof Error) || (isMoAError(error) && error.code === "invalid_config")) throw error;
    return new UnavailableChatModel(error);
  }
}
