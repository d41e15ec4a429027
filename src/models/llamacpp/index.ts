/**
 * In-process llama.cpp chat models (node-llama-cpp): a LangChain chat model, the shared runtime
 * that loads each GGUF file once and pools its context sequences, and a GGUF header reader.
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
  DEFAULT_MAX_CONTEXT_SIZE,
  DEFAULT_SEQUENCES,
  defaultThreads,
  disposeAll,
  getLlamaRuntime,
  loadedModelPaths,
  type ModelContextOptions,
  type ModelHandle,
} from "./llamaRuntime.js";
export { toLlamaChat, type LlamaChatInput } from "./messages.js";
export { runChat, type ChatRunControl, type ChatRunOutcome, type SamplingParams } from "./runChat.js";
export { SequencePool } from "./sequencePool.js";
