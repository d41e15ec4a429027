/**
 * In-process llama.cpp chat models (node-llama-cpp): a LangChain chat model, the shared runtime
 * that loads each GGUF file once, pools its context sequences, keeps at most `maxLoadedModels`
 * loaded (unloading the least recently used idle one) and refuses loads that would not fit in
 * memory, plus a GGUF header reader and a topology memory pre-flight check.
 *
 * @example
 * import { ChatLlamaCppLocal, disposeAll } from "./models/llamacpp/index.js";
 * const model = new ChatLlamaCppLocal({ modelPath: "models/tiny.gguf", maxTokens: 64 });
 * console.log((await model.invoke("Hello")).usage_metadata);
 * await disposeAll();
 */
export {
  ChatLlamaCppLocal,
  type ChatLlamaCppLocalCallOptions,
  type ChatLlamaCppLocalInput,
  type ChatLlamaCppLocalInvocationParams,
} from "./ChatLlamaCppLocal.js";
export { GgufError, readGgufInfo, type GgufErrorReason, type GgufInfo } from "./ggufInfo.js";
export {
  acquireModel,
  configureLlamaRuntime,
  DEFAULT_MAX_CONTEXT_SIZE,
  DEFAULT_MAX_LOADED_MODELS,
  DEFAULT_SEQUENCES,
  defaultContextThreads,
  defaultThreads,
  disposeAll,
  getLlamaRuntime,
  llamaRuntimeStats,
  loadedModelPaths,
  withLlamaModel,
  type EffectiveLlamaRuntimeConfig,
  type LlamaModelStats,
  type LlamaRuntimeConfig,
  type LlamaRuntimeStats,
  type ModelContextOptions,
  type ModelHandle,
  type WithLlamaModelOptions,
} from "./llamaRuntime.js";
export { checkLlamaMemory, type CheckLlamaMemoryOptions, type LlamaMemoryCheck, type LlamaMemoryRequest } from "./checkLlamaMemory.js";
export { estimateLlamaMemory, type EstimateLlamaMemoryOptions, type LlamaMemoryEstimate } from "./estimateLlamaMemory.js";
export { LlamaMemoryError, type LlamaMemoryErrorOptions } from "./LlamaMemoryError.js";
export { formatMemorySize, parseByteSize } from "./byteSize.js";
export { toLlamaChat, type LlamaChatInput } from "./messages.js";
export { runChat, type ChatRunControl, type ChatRunOutcome, type SamplingParams } from "./runChat.js";
export { SequencePool } from "./sequencePool.js";
