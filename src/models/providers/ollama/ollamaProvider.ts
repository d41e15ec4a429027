import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AbortableChatOllama } from "./AbortableChatOllama.js";
import { ChatOllama, OllamaEmbeddings } from "@langchain/ollama";
import { fetchWithRetryAfter } from "../../../policy/fetchWithRetryAfter.js";
import { definedOnly } from "../../../util/definedOnly.js";
import { describeError, tlsProblemOf } from "../../describeError.js";
import { responseByteLimit } from "../../answerLimits.js";
import { fetchWithBodyLimit } from "../../fetchWithBodyLimit.js";
import { fetchWithTimeout } from "../../fetchWithTimeout.js";
import { cachedLookup } from "../../lookupCache.js";
import { describeRedirect, refuseRedirects } from "../../refuseRedirects.js";
import type { ModelAgent } from "../../ModelAgent.js";
import { isModelRef } from "../../ModelRef.js";
import type { ModelProvider, RefAgent } from "../ModelProvider.js";
import { parseNamedRef } from "../parseNamedRef.js";
import { stopOnClientError } from "../stopOnClientError.js";
import { checkOllamaStream } from "./checkOllamaStream.js";
import { prepareOllamaModels } from "./prepareOllamaModels.js";
import { probeOllama } from "./probeOllama.js";
import { readOllamaContextWindow } from "./readOllamaContextWindow.js";
import { resolveOllamaUrl } from "./resolveOllamaUrl.js";
import type { Environment } from "../../../util/environment.js";

/** Window assumed when an Ollama server cannot tell a model's size. */
export const OLLAMA_FALLBACK_CONTEXT_WINDOW = 8192;

/** The Ollama server an agent's model is on: the reference's `@url`, else `baseUrl`, else `OLLAMA_HOST`. */
export function ollamaUrlOf(agent: RefAgent, env: Environment = process.env): string {
  return resolveOllamaUrl(agent.model.baseUrl ?? agent.settings.baseUrl, env);
}

/**
 * Models served by an Ollama server (`ollama:<name>[@<baseUrl>]`): chat through `ChatOllama`,
 * embeddings through `/api/embed`, pre-flight on `/api/tags`, pulls through `/api/pull`, context
 * windows from `/api/show`, and `--backend auto` picks it when a server answers `/api/version`.
 */
export const ollamaProvider: ModelProvider = {
  name: "ollama",
  syntax: ["ollama:<name>[@<baseUrl>]"],
  presets: "names",
  parseRef: (parts) => parseNamedRef(parts),
  ownsModel: (model) => model instanceof ChatOllama,

  createChatModel(agent, env) {
    const s = agent.settings;
    return new AbortableChatOllama({
      model: agent.model.model,
      baseUrl: ollamaUrlOf(agent, env),
      ...definedOnly({
        temperature: s.temperature,
        numPredict: s.maxTokens,
        topP: s.topP,
        topK: s.topK,
        seed: s.seed,
        stop: s.stop,
        numCtx: s.contextWindow,
      }),
      // Retries are the caller's (withRetries): the client retrying too would multiply them.
      maxRetries: 0,
      // A server ignoring num_predict, or sending a huge error body, cannot grow memory without bound;
      // every line must be a chat message (a broken line fails the call); redirects are refused.
      fetch: fetchWithRetryAfter(
        checkOllamaStream(
          refuseRedirects(
            fetchWithBodyLimit({
              inner: fetchWithTimeout(s.timeoutMs),
              maxBodyBytes: responseByteLimit(s.maxTokens),
              limitSource: `maxTokens ${s.maxTokens}`,
            }),
          ),
        ),
      ),
    });
  },

  createEmbeddings(ref, { baseUrl, dimensions, timeoutMs, maxRetries, env }) {
    return new OllamaEmbeddings({
      model: ref.model,
      baseUrl: resolveOllamaUrl(ref.baseUrl ?? baseUrl, env),
      fetch: refuseRedirects(fetchWithTimeout(timeoutMs)),
      // Over-long inputs are cut to the model's context (LangChain's default would reject them).
      truncate: true,
      ...definedOnly({ dimensions }),
      maxRetries,
      onFailedAttempt: stopOnClientError,
    });
  },

  endpointKey: (agent, env) => ollamaUrlOf(agent, env),
  probe: (agents, { env, timeoutMs }) => probeOllama(ollamaUrlOf(agents[0]!, env), agents, timeoutMs, env),

  async prepare(agents, context) {
    const byServer = new Map<string, Set<string>>();
    for (const agent of agents) {
      const url = ollamaUrlOf(agent, context.env);
      byServer.set(url, (byServer.get(url) ?? new Set()).add(agent.model.model));
    }
    await prepareOllamaModels(byServer, context);
  },

  async contextWindow(agent: ModelAgent, model: BaseChatModel) {
    let url: string;
    let name: string;
    if (model instanceof ChatOllama) {
      if (model.numCtx !== undefined) return model.numCtx;
      url = model.baseUrl;
      name = model.model;
    } else if (isModelRef(agent.model)) {
      url = ollamaUrlOf(agent as RefAgent);
      name = agent.model.model;
    } else return undefined;
    return (await cachedLookup(`ollama|${url}|${name}`, () => readOllamaContextWindow(url, name))) ?? OLLAMA_FALLBACK_CONTEXT_WINDOW;
  },

  async detect({ env, timeoutMs, fetch: fetchImpl }) {
    const url = resolveOllamaUrl(undefined, env);
    const setting = env.OLLAMA_HOST?.trim() ? "OLLAMA_HOST" : env.OLLAMA_BASE_URL?.trim() ? "OLLAMA_BASE_URL" : undefined;
    const configured = setting === undefined ? {} : { configured: setting };
    try {
      const response = await fetchImpl(`${url}/api/version`, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
      const redirect = describeRedirect(response, new URL(`${url}/api/version`));
      if (redirect !== undefined) {
        await response.body?.cancel().catch(() => undefined);
        return { available: false, ...configured, reason: redirect };
      }
      const body = (await response.json().catch(() => undefined)) as { version?: unknown } | undefined;
      if (response.ok && body && typeof body.version === "string")
        return { available: true, ...configured, reason: `Ollama ${body.version} answered at ${url}` };
      return { available: false, ...configured, reason: `the server at ${url} is not Ollama (HTTP ${response.status})` };
    } catch (error) {
      // A TLS failure means something answered: "no Ollama server" would send the user looking for one.
      if (tlsProblemOf(error)) return { available: false, ...configured, reason: `the server at ${url} failed: ${describeError(error)}` };
      const why = error instanceof DOMException && error.name === "TimeoutError" ? `no answer in ${timeoutMs} ms` : describeError(error);
      return { available: false, ...configured, reason: `no Ollama server at ${url} (${why})` };
    }
  },
};
