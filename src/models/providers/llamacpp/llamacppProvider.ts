import { access, constants } from "node:fs/promises";
import path from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { definedOnly } from "../../../util/definedOnly.js";
import { cachedLookup } from "../../lookupCache.js";
import type { ModelAgent } from "../../ModelAgent.js";
import { isModelRef } from "../../ModelRef.js";
import { ModelRefError } from "../../ModelRefError.js";
import { ESTIMATE_COUNTER, type TokenCounter } from "../../tokenCounter.js";
import type { ModelProvider } from "../ModelProvider.js";
import { downloadStallMs } from "./download/downloadStallMs.js";
import { cachePathFor } from "./download/modelCacheDir.js";
import { ModelSourceError, parseHfUri } from "./download/parseHfUri.js";
import { prepareLlamaModels } from "./prepareLlamaModels.js";
import { ChatLlamaCppLocal } from "./runtime/ChatLlamaCppLocal.js";
import { readGgufInfo } from "./runtime/ggufInfo.js";
import { DEFAULT_MAX_CONTEXT_SIZE } from "./runtime/llamaRuntime.js";
import { checkLlamaEnvironment } from "./runtime/runtimeConfig.js";

/** Window assumed for a GGUF file whose header does not say (or cannot be read yet). */
export const GGUF_FALLBACK_CONTEXT_WINDOW = 8192;

/**
 * GGUF models run in-process by node-llama-cpp: local files (`llamacpp:<path>`) and Hugging Face files
 * (`hf:<owner>/<repo>[@<rev>]/<file.gguf>`, downloaded into the model cache on first use). Context
 * windows and parameter counts come from the file's header, prompts are counted with its own
 * tokenizer, and `--backend auto` falls back to it when no Ollama answers.
 */
export const llamacppProvider: ModelProvider = {
  name: "llamacpp",
  aliases: ["hf"],
  syntax: ["llamacpp:<path to .gguf>", "hf:<owner>/<repo>/<file.gguf>"],
  presets: "files",

  parseRef({ prefix, rest, text }) {
    if (prefix === "hf") {
      try {
        return { provider: "llamacpp", model: cachePathFor(parseHfUri(text.trim())), source: text.trim() };
      } catch (error) {
        if (error instanceof ModelSourceError) throw new ModelRefError(error.message);
        throw error;
      }
    }
    if (rest.length === 0) throw new ModelRefError(`model reference "${text}" names no GGUF file after "llamacpp:"`);
    return { provider: "llamacpp", model: rest };
  },
  formatRef: (ref) => ref.source ?? `llamacpp:${ref.model}`,
  shortName: (ref) => path.basename(ref.model.replaceAll("\\", "/")).replace(/\.gguf$/i, ""),
  // A downloaded file's path is the cache's; only a path the user wrote is relative to the config.
  resolveRef: (ref, baseDir) => (ref.source === undefined ? { ...ref, model: path.resolve(baseDir, ref.model) } : ref),
  ownsModel: (model) => model instanceof ChatLlamaCppLocal,

  createChatModel(agent) {
    const s = agent.settings;
    return new ChatLlamaCppLocal({
      modelPath: agent.model.model,
      ...(agent.model.source !== undefined ? { downloadFrom: agent.model.source } : {}),
      ...(agent.concurrentCalls !== undefined ? { sequences: agent.concurrentCalls } : {}),
      ...definedOnly({
        temperature: s.temperature,
        maxTokens: s.maxTokens,
        topP: s.topP,
        topK: s.topK,
        seed: s.seed,
        stop: s.stop,
        contextSize: s.contextWindow,
      }),
    });
  },

  endpointKey: (agent) => agent.model.model,
  async probe(agents) {
    const file = agents[0]!.model.model;
    try {
      await access(file, constants.R_OK);
      return [];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" ? "GGUF file not found" : `GGUF file not readable (${code ?? String(error)})`;
      return [{ target: file, reason, fix: "give the path of a local .gguf file (llamacpp:/path/to/model.gguf)", agents }];
    }
  },
  checkEnv(env) {
    checkLlamaEnvironment(env);
    downloadStallMs(env);
  },
  prepare: prepareLlamaModels,

  async contextWindow(agent: ModelAgent, model: BaseChatModel) {
    let file: string;
    if (model instanceof ChatLlamaCppLocal) {
      if (model.contextSize !== undefined) return model.contextSize;
      file = model.modelPath;
    } else if (isModelRef(agent.model)) file = agent.model.model;
    else return undefined;
    // The runtime creates contexts of at most DEFAULT_MAX_CONTEXT_SIZE tokens, whatever the model was trained for.
    const trained = await cachedLookup(`gguf-context|${file}`, () =>
      readGgufInfo(file).then(
        (info) => info.contextLength,
        () => undefined,
      ),
    );
    return Math.min(trained ?? GGUF_FALLBACK_CONTEXT_WINDOW, DEFAULT_MAX_CONTEXT_SIZE);
  },

  // Counting with the instance that answers: its context layout is the one already loaded, so
  // counting costs no second context (and no memory) of its own.
  tokenCounter: (_agent, model) => (model instanceof ChatLlamaCppLocal ? modelTokenCounter(model) : undefined),

  activeParams: (agent) =>
    cachedLookup(`gguf-params|${agent.model.model}`, () =>
      readGgufInfo(agent.model.model).then(
        (info) => info.parameterCount,
        () => undefined,
      ),
    ),

  detect: async () => ({ available: true, reason: "running GGUF models in-process" }),
};

/**
 * A counter that tokenizes with the model itself; if the model cannot be loaded it falls back to the
 * estimate (the call that follows fails with the real reason and is recorded, a better place for it).
 */
function modelTokenCounter(model: ChatLlamaCppLocal): TokenCounter {
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
