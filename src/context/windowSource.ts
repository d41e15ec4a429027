import { ChatOllama } from "@langchain/ollama";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import { agentEndpoint } from "../models/endpoints.js";
import { ChatLlamaCppLocal } from "../models/llamacpp/ChatLlamaCppLocal.js";

/**
 * Where an agent's context window can be read from:
 * - `configured`: `settings.contextWindow` (or the `numCtx`/`contextSize` of a model instance);
 * - `ollama`: the server's `POST /api/show` for the model;
 * - `gguf`: the header of a local GGUF file;
 * - `unknown`: nowhere (OpenAI-compatible servers, other instances), so the prompt is not budgeted.
 */
export type WindowSource =
  | { kind: "configured"; tokens: number }
  | { kind: "ollama"; url: string; model: string }
  | { kind: "gguf"; path: string }
  | { kind: "unknown" };

/**
 * Classifies an agent by where its context window comes from; see {@link WindowSource}.
 *
 * @example
 * windowSourceOf(ensureConfig(config).aggregator); // { kind: "ollama", url: "http://127.0.0.1:11434", model: "qwen2.5:3b" }
 */
export function windowSourceOf(agent: ResolvedAgent): WindowSource {
  const { model, settings } = agent;
  if (settings.contextWindow !== undefined) return { kind: "configured", tokens: settings.contextWindow };
  if (model instanceof ChatOllama) {
    return model.numCtx !== undefined ? { kind: "configured", tokens: model.numCtx } : { kind: "ollama", url: model.baseUrl, model: model.model };
  }
  if (model instanceof ChatLlamaCppLocal) {
    return model.contextSize !== undefined ? { kind: "configured", tokens: model.contextSize } : { kind: "gguf", path: model.modelPath };
  }
  if (!("provider" in model)) return { kind: "unknown" };
  if (model.provider === "llamacpp") return { kind: "gguf", path: model.path };
  const endpoint = agentEndpoint(agent);
  if (endpoint?.provider === "ollama" && model.provider === "ollama") return { kind: "ollama", url: endpoint.url, model: model.model };
  return { kind: "unknown" };
}
