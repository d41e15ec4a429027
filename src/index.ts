export { buildMoAGraph, type BuildMoAGraphOptions } from "./graphs/moa/graph.js";
export { createMoATool, type CreateMoAToolOptions } from "./graphs/createMoATool.js";

export {
  MoAConfigSchema,
  AgentSchema,
  LayerSchema,
  AggregatorSchema,
  DefaultsSchema,
  ModelSettingsSchema,
  type MoAConfig,
  type MoAConfigInput,
  type AgentConfig,
  type AggregatorConfig,
  type LayerConfig,
  type ModelSettings,
} from "./config/schema.js";
export { ConfigError, type ConfigIssue } from "./errors/ConfigError.js";
export {
  ensureConfig,
  BUILTIN_SETTINGS,
  type ResolvedAgent,
  type ResolvedTopology,
  type AgentRole,
  type EnsureConfigOptions,
} from "./config/ensureConfig.js";
export { loadConfig, readConfigFile, type LoadConfigOptions } from "./config/loadConfig.js";
export { PRESETS, DEFAULT_PRESET, GGUF_MODELS, getPreset, presetConfig, type ModelBackend, type Preset } from "./config/presets.js";
export { capMaxTokens } from "./config/capMaxTokens.js";
export { BACKEND_CHOICES, chooseBackend, type BackendChoice, type ChosenBackend, type ChooseBackendOptions } from "./models/chooseBackend.js";
export type { OnTransferProgress, TransferProgress } from "./models/progress.js";
export {
  DownloadError,
  ensureModelFile,
  listCachedModels,
  modelCacheDir,
  ModelSourceError,
  parseHfUri,
  removeCachedModels,
  type CachedModel,
  type EnsureModelFileOptions,
  type HfSource,
} from "./models/download/index.js";
export { missingOllamaModels, OllamaPullError, pullOllamaModel, type PullOllamaModelOptions } from "./models/ollama/index.js";
export { moaConfigJsonSchema } from "./config/jsonSchema.js";

export { parseModelRef, formatModelRef, ModelRefError, type ModelRef, type ModelProvider } from "./models/parseModelRef.js";
export { createChatModel, ModelSetupError, type ModelFactory } from "./models/createChatModel.js";
export { resolveOllamaUrl, resolveOpenAIEndpoint, DEFAULT_OLLAMA_URL, OPENAI_API_URL, type OpenAIEndpoint } from "./models/endpoints.js";
export { checkBackends, BackendUnavailableError, type BackendProblem } from "./models/checkBackends.js";
export {
  ChatLlamaCppLocal,
  checkLlamaMemory,
  configureLlamaRuntime,
  llamaRuntimeStats,
  LlamaMemoryError,
  readGgufInfo,
  GgufError,
  type GgufInfo,
  type LlamaMemoryCheck,
  type LlamaRuntimeConfig,
  type LlamaRuntimeStats,
} from "./models/llamacpp/index.js";
export { disposeAll as disposeLocalModels } from "./models/llamacpp/llamaRuntime.js";
export { UnavailableChatModel } from "./models/UnavailableChatModel.js";

export {
  MoAState,
  MoAInput,
  AgentAnswerSchema,
  latestTurnAnswers,
  type AgentAnswer,
  type TokenUsage,
  type MoAStateValue,
} from "./state/moaState.js";
export type { MoAStreamEvent } from "./nodes/callAgent.js";
export { LayerFailedError } from "./nodes/layerReferences.js";
export { AggregatorFailedError } from "./nodes/aggregate.js";
export { MoAInputError } from "./errors/MoAInputError.js";
export { DEFAULT_AGGREGATION_PROMPT } from "./prompts/aggregate.js";
export { summarizeRun, type RunSummary, type AgentSummaryRow } from "./report/summarizeRun.js";

// Topologies beyond MoA: Self-MoA, Composition of Experts, MOSAIC, and the dispatcher over all.
export { planTopology, planTopologyFile, type TopologyPlan, type PlanTopologyOptions, type TopologyConfigInput } from "./graphs/planTopology.js";
export { buildSelfMoAGraph, type BuildSelfMoAGraphOptions } from "./graphs/self-moa/graph.js";
export { buildCoEGraph, type BuildCoEGraphOptions } from "./graphs/coe/graph.js";
export { buildMosaicGraph, type BuildMosaicGraphOptions } from "./graphs/mosaic/graph.js";
export { TOPOLOGY_KINDS, topologyKindOf, type TopologyKind } from "./config/topologyKind.js";
export { SelfMoAConfigSchema, expandSelfMoA, type SelfMoAConfigInput, type SelfMoAConfig } from "./graphs/self-moa/configuration.js";
export {
  CoEConfigSchema,
  MosaicConfigSchema,
  RouterConfigSchema,
  GateConfigSchema,
  ExtractorConfigSchema,
  type CoEConfigInput,
  type MosaicConfigInput,
  type RouterConfig,
  type ExtractorConfig,
} from "./graphs/experts/expertsSchema.js";
export { QuorumSchema, type QuorumConfig } from "./config/schema.js";
export { createRouterFromConfig } from "./graphs/experts/createRouterFromConfig.js";
export { createExtractorFromConfig } from "./graphs/experts/createExtractorFromConfig.js";
export { summarizeCost, type RunCost } from "./report/summarizeCost.js";
export { RouteRecordSchema, GateRecordSchema, type RouteRecord, type GateRecord } from "./state/moaState.js";
export { ExpertFailedError } from "./nodes/expert.js";
export * from "./routing/index.js";
export * from "./voting/index.js";
export * from "./models/replay/index.js";
export { ContextBudgetError } from "./context/ContextBudgetError.js";
export type { ContextCuts } from "./context/contextCuts.js";
export { DEFAULT_CONTEXT_WINDOW } from "./context/contextWindowOf.js";
export { openRunStore } from "./persistence/openRunStore.js";
export { prepareResume, type ResumePlan, type ResumableGraph } from "./persistence/prepareResume.js";
export { savedAnswer } from "./nodes/savedAnswer.js";
export { dataDir, defaultDbPath } from "./persistence/dataDir.js";
export type { RunStore, ThreadSummary, TopologySource } from "./persistence/RunStore.js";
