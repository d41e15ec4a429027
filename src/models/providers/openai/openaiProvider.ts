import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { definedOnly } from "../../../util/definedOnly.js";
import { responseByteLimit } from "../../answerLimits.js";
import { fetchWithBodyLimit } from "../../fetchWithBodyLimit.js";
import { ModelSetupError } from "../../ModelSetupError.js";
import type { ModelProvider, RefAgent } from "../ModelProvider.js";
import { parseNamedRef } from "../parseNamedRef.js";
import { stopOnClientError } from "../stopOnClientError.js";
import { probeOpenAI } from "./probeOpenAI.js";
import { resolveOpenAIEndpoint, type OpenAIEndpoint } from "./resolveOpenAIEndpoint.js";
import { refuseRedirects } from "../../refuseRedirects.js";
import type { Environment } from "../../../util/environment.js";

/** The OpenAI-compatible endpoint an agent talks to (reference `@url` first, then settings, then environment). */
export function openaiEndpointOf(agent: RefAgent, env: Environment = process.env): OpenAIEndpoint {
  const { settings } = agent;
  return resolveOpenAIEndpoint(
    definedOnly({ baseUrl: agent.model.baseUrl ?? settings.baseUrl, apiKey: settings.apiKey, apiKeyEnv: settings.apiKeyEnv }),
    env,
  );
}

/** An http:// URL to a host other than this machine. */
function sendsInTheClear(baseUrl: string): boolean {
  try {
    const url = new URL(baseUrl);
    return url.protocol === "http:" && !isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function missingKeyFix(endpoint: OpenAIEndpoint): string {
  return `set ${endpoint.keySource === "OPENAI_API_KEY" ? "OPENAI_API_KEY" : `the environment variable ${endpoint.keySource}`}, or apiKey/apiKeyEnv in the config`;
}

/**
 * Models behind any OpenAI-compatible server (`openai:<name>[@<baseUrl>]`): OpenAI itself, vLLM,
 * LM Studio, llama.cpp's server, Ollama's `/v1`, Together... Only OpenAI's own API needs a key from
 * the environment; a server given by URL works without one.
 */
export const openaiProvider: ModelProvider = {
  name: "openai",
  syntax: ["openai:<name>[@<baseUrl>]"],
  presets: "names",
  parseRef: (parts) => parseNamedRef(parts),
  ownsModel: (model) => model instanceof ChatOpenAI,

  createChatModel(agent, env) {
    const endpoint = openaiEndpointOf(agent, env);
    if (!endpoint.apiKey) {
      throw new ModelSetupError(
        `agent "${agent.id}" (${agent.modelLabel}): no API key for ${endpoint.baseUrl}; ${missingKeyFix(endpoint)}`,
        missingKeyFix(endpoint),
      );
    }
    const s = agent.settings;
    return new ChatOpenAI({
      model: agent.model.model,
      apiKey: endpoint.apiKey,
      configuration: {
        baseURL: endpoint.baseUrl,
        // A server ignoring max_tokens, or sending a huge error body, cannot grow memory without bound; a
        // redirect is refused, not followed to a server the user never named.
        fetch: refuseRedirects(
          fetchWithBodyLimit({
            inner: (input, init) => fetch(input, init),
            maxBodyBytes: responseByteLimit(s.maxTokens),
            limitSource: `maxTokens ${s.maxTokens}`,
          }),
        ),
      },
      ...definedOnly({ temperature: s.temperature, maxTokens: s.maxTokens, topP: s.topP, stop: s.stop }),
      // ChatOpenAI takes `seed` only per call; modelKwargs puts it in every request body.
      ...(s.seed !== undefined ? { modelKwargs: { seed: s.seed } } : {}),
      // Retries are the caller's (withRetries): the client retrying too would multiply them.
      maxRetries: 0,
      streamUsage: true,
    });
  },

  createEmbeddings(ref, { baseUrl, apiKey, apiKeyEnv, dimensions, timeoutMs, maxRetries, env }) {
    const endpoint = resolveOpenAIEndpoint(definedOnly({ baseUrl: ref.baseUrl ?? baseUrl, apiKey, apiKeyEnv }), env);
    if (!endpoint.apiKey) {
      throw new ModelSetupError(
        `embeddings openai:${ref.model}: no API key for ${endpoint.baseUrl}; set ${endpoint.keySource}, or pass apiKey or apiKeyEnv`,
      );
    }
    return new OpenAIEmbeddings({
      model: ref.model,
      apiKey: endpoint.apiKey,
      configuration: { baseURL: endpoint.baseUrl },
      // JSON floats are the one vector format every compatible server speaks (the client would ask for base64).
      encodingFormat: "float",
      timeout: timeoutMs,
      ...definedOnly({ dimensions }),
      maxRetries,
      onFailedAttempt: stopOnClientError,
    });
  },

  warning: (agent, env) => {
    const endpoint = openaiEndpointOf(agent, env);
    if (!endpoint.apiKey || endpoint.keySource.startsWith("placeholder") || !sendsInTheClear(endpoint.baseUrl)) return undefined;
    return `${agent.id} sends its API key (${endpoint.keySource}) over plain http:// to ${endpoint.baseUrl}, another machine: anyone on the way can read it; use https://`;
  },

  endpointKey: (agent, env) => {
    const endpoint = openaiEndpointOf(agent, env);
    return `${endpoint.baseUrl} ${endpoint.keySource}`;
  },
  probe: (agents, { env, timeoutMs }) => probeOpenAI(openaiEndpointOf(agents[0]!, env), agents, timeoutMs),

  presetProblem: (env) =>
    env.OPENAI_BASE_URL
      ? undefined
      : "--backend openai runs the preset's model names (e.g. qwen2.5:1.5b) on an OpenAI-compatible server: set OPENAI_BASE_URL to one that serves them (Ollama's http://127.0.0.1:11434/v1, vLLM, LM Studio)",
};
