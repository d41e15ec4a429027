/**
 * `langgraph-moa/models`: model references and providers, chat models and embeddings, the pre-flight
 * and model preparation, and each built-in backend's own tools (in-process llama.cpp and its model
 * cache, Ollama pulls, OpenAI-compatible endpoints).
 */
export { parseModelRef, formatModelRef, referenceForms } from "./parseModelRef.js";
export { isModelRef, type ModelRef } from "./ModelRef.js";
export { ModelRefError } from "./ModelRefError.js";
export type { ModelAgent } from "./ModelAgent.js";
export { ModelSettingsSchema, BUILTIN_SETTINGS, parseParamCount, type ModelSettings, type ResolvedModelSettings } from "./modelSettings.js";
export { createChatModel, createModelSafely, ModelSetupError } from "./createChatModel.js";
export { createEmbeddings, type CreateEmbeddingsOptions } from "./createEmbeddings.js";
export { UnavailableChatModel } from "./UnavailableChatModel.js";
export {
  checkBackends,
  BackendUnavailableError,
  PreflightShortfallError,
  type BackendProblem,
  type BackendUnavailableOptions,
  type CheckBackendsOptions,
  type PreflightResult,
  type PreflightTarget,
  type RequirementShortfall,
} from "./checkBackends.js";
export { prepareModels } from "./prepareModels.js";
export { ModelsNotReadyError } from "./ModelsNotReadyError.js";
export { chooseBackend, backendChoices, type BackendChoice, type ChooseBackendOptions, type ChosenBackend } from "./chooseBackend.js";
export { contextWindowOf, clearContextWindowCache } from "./contextWindowOf.js";
export { tokenCounterFor } from "./tokenCounterFor.js";
export { ESTIMATE_COUNTER, type TokenCounter } from "./tokenCounter.js";
export { estimateTokens } from "./estimateTokens.js";
export { activeParamsOf } from "./activeParamsOf.js";
export { describeError } from "./describeError.js";
export type { OnTransferProgress, TransferProgress } from "./progress.js";
export { registerModelProvider, modelProvider, modelProviders, presetBackends } from "./providers/registry.js";
export type {
  DetectOptions,
  ModelProvider,
  PrepareContext,
  ProbeFinding,
  ProbeOptions,
  ProgressSink,
  RefAgent,
  RefParts,
} from "./providers/ModelProvider.js";
export { parseNamedRef } from "./providers/parseNamedRef.js";
export { ollamaProvider } from "./providers/ollama/ollamaProvider.js";
export { resolveOllamaUrl, DEFAULT_OLLAMA_URL } from "./providers/ollama/resolveOllamaUrl.js";
export { readOllamaContextWindow } from "./providers/ollama/readOllamaContextWindow.js";
export { missingOllamaModels, type MissingOllamaModelsOptions } from "./providers/ollama/missingOllamaModels.js";
export { OllamaPullError, pullOllamaModel, type PullOllamaModelOptions } from "./providers/ollama/pullOllamaModel.js";
export { openaiProvider } from "./providers/openai/openaiProvider.js";
export { resolveOpenAIEndpoint, isOpenAIApi, OPENAI_API_URL, type OpenAIEndpoint } from "./providers/openai/resolveOpenAIEndpoint.js";
export { llamacppProvider } from "./providers/llamacpp/llamacppProvider.js";
export {
  ChatLlamaCppLocal,
  checkLlamaMemory,
  configureLlamaRuntime,
  disposeAll as disposeLocalModels,
  estimateLlamaMemory,
  GgufError,
  LlamaMemoryError,
  llamaRuntimeStats,
  readGgufInfo,
  type ChatLlamaCppLocalInput,
  type GgufInfo,
  type LlamaMemoryCheck,
  type LlamaRuntimeConfig,
  type LlamaRuntimeStats,
} from "./providers/llamacpp/runtime/index.js";
export { LlamaRuntimeError, type LlamaRuntimeFailure } from "./providers/llamacpp/runtime/LlamaRuntimeError.js";
export {
  DownloadError,
  ensureModelFile,
  listCachedModels,
  modelCacheDir,
  ModelSourceError,
  parseHfUri,
  removeCachedModels,
  AmbiguousModelMatchError,
  type CachedModel,
  type EnsureModelFileOptions,
  type HfSource,
} from "./providers/llamacpp/download/index.js";
