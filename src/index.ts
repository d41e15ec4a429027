/**
 * langgraph-moa: multi-LLM collaboration topologies (Mixture-of-Agents, Self-MoA, Composition of
 * Experts, MOSAIC, and any you register) as LangGraph.js graphs.
 *
 * The root export is what building, running and embedding topologies needs. More lives in subpaths:
 * `langgraph-moa/models` (providers, backends, in-process llama.cpp, downloads), `/routing` (routers),
 * `/voting` (answer extraction and consensus), `/testing` (scripted and replay models), `/server`
 * (serving on the LangGraph server).
 */

// Topologies: load (any kind, from a file, a preset or an object), build, run.
export {
  loadConfig,
  isResolvedTopology,
  topologyKindOf,
  DEFAULT_PRESET,
  type TopologySource,
  type TopologyConfigInput,
} from "./graphs/loadConfig.js";
export { planTopology, type PlanTopologyOptions, type TopologyPlan } from "./graphs/planTopology.js";
export { buildTopologyGraph, type BuildTopologyGraphOptions } from "./graphs/buildTopologyGraph.js";
export {
  buildMoAGraph,
  buildSelfMoAGraph,
  buildCoEGraph,
  buildMosaicGraph,
  type BuildMoAGraphOptions,
  type BuildSelfMoAGraphOptions,
  type BuildCoEGraphOptions,
  type BuildMosaicGraphOptions,
} from "./graphs/builders.js";
export { newTopologyGraph, type TopologyGraph } from "./graphs/topologyGraph.js";
export { createMoATool, type CreateMoAToolOptions } from "./graphs/createMoATool.js";
export type {
  BuildContext,
  NestedTopologySource,
  PathSegment,
  Preset,
  ResolveContext,
  ResolvedTopologyBase,
  TopologyDefinition,
} from "./graphs/types.js";
export type { ResolvedTopology, TopologyKinds } from "./graphs/resolvedTopology.js";
export { registerTopology, topologyKinds, topologyDefinition, listPresets, findPreset } from "./graphs/registry.js";
export { presetConfig } from "./graphs/presetConfig.js";
export { moaConfigJsonSchema } from "./graphs/topologyJsonSchema.js";

// Configuration of each built-in kind.
export {
  MoAConfigSchema,
  LayerSchema,
  type MoAConfig,
  type MoAConfigInput,
  type ResolvedMoATopology,
  type ResolvedSelfMoATopology,
} from "./graphs/moa/configuration.js";
export { SelfMoAConfigSchema, expandSelfMoA, type SelfMoAConfig, type SelfMoAConfigInput } from "./graphs/self-moa/configuration.js";
export { CoEConfigSchema, type CoEConfig, type CoEConfigInput } from "./graphs/coe/configuration.js";
export { MosaicConfigSchema, type MosaicConfig, type MosaicConfigInput } from "./graphs/mosaic/configuration.js";
export {
  RouterConfigSchema,
  GateConfigSchema,
  ExtractorConfigSchema,
  type RouterConfig,
  type ExtractorConfig,
} from "./graphs/experts/expertsSchema.js";
export type { ResolvedCoETopology, ResolvedMosaicTopology, ResolvedExpert, ExpertRouting } from "./graphs/experts/resolveExperts.js";
export {
  AgentSchema,
  AggregatorSchema,
  DefaultsSchema,
  QuorumSchema,
  type AgentConfig,
  type AggregatorConfig,
  type QuorumConfig,
} from "./config/agentSchema.js";
export type { AgentRole, ModelFactory, ResolvedAgent } from "./config/ResolvedAgent.js";
export { capMaxTokens } from "./config/capMaxTokens.js";

// Models: what every topology user meets (the rest is in `langgraph-moa/models`).
export { createChatModel } from "./models/createChatModel.js";
export { parseModelRef, formatModelRef, type ModelRef } from "./models/parseModelRef.js";
export { checkBackends, type BackendProblem } from "./models/checkBackends.js";
export { prepareModels } from "./models/prepareModels.js";
export { registerModelProvider } from "./models/providers/registry.js";
export type { ModelProvider } from "./models/providers/ModelProvider.js";
export { disposeLocalModels } from "./models/providers/llamacpp/runtime/disposeLocalModels.js";

// State, streaming and reports.
export {
  MoAState,
  MoAInput,
  AgentAnswerSchema,
  RouteRecordSchema,
  GateRecordSchema,
  latestTurnAnswers,
  type AgentAnswer,
  type GateRecord,
  type MoAStateValue,
  type RouteRecord,
  type TokenUsage,
} from "./state/moaState.js";
export { upgradeAnswers } from "./state/upgradeAnswers.js";
export { currentTurn } from "./state/currentTurn.js";
export type { MoAStreamEvent } from "./nodes/callAgent.js";
export { REPLY_TAG } from "./nodes/replyTag.js";
export { DEFAULT_AGGREGATION_PROMPT } from "./prompts/aggregate.js";
export { buildRunReport, type RunReport } from "./report/buildRunReport.js";
export { summarizeRun, type RunSummary, type AgentSummaryRow } from "./report/summarizeRun.js";
export { summarizeCost, type RunCost } from "./report/summarizeCost.js";
export type { ContextCuts } from "./context/contextCuts.js";

// Persistence and resume.
export { openRunStore } from "./persistence/openRunStore.js";
export { RunStoreError } from "./persistence/RunStoreError.js";
export { ThreadBusyError } from "./persistence/ThreadBusyError.js";
export { readThreadValues } from "./persistence/readThreadValues.js";
export { prepareResume, type ResumePlan, type ResumableGraph } from "./persistence/prepareResume.js";
export { dataDir, defaultDbPath } from "./persistence/dataDir.js";
export type { RunStore, RunStoreLocation, ThreadLock, ThreadLockOptions, ThreadSummary } from "./persistence/RunStore.js";

// Errors: one family, each with a stable `code` and a `category` (the CLI's exit code).
export { MoAError, isMoAError, EXIT_CODES, type MoAErrorCategory, type MoAErrorOptions } from "./errors/MoAError.js";
export { ConfigError, type ConfigIssue } from "./errors/ConfigError.js";
export { UsageError } from "./errors/UsageError.js";
export { InternalError } from "./errors/InternalError.js";
export { MoAInputError } from "./errors/MoAInputError.js";
export { RunInterruptedError } from "./errors/RunInterruptedError.js";
export { LayerFailedError } from "./nodes/layerReferences.js";
export { AggregatorFailedError } from "./nodes/aggregate.js";
export { ExpertFailedError } from "./nodes/expert.js";
export { ContextBudgetError } from "./context/ContextBudgetError.js";
export { BackendUnavailableError, PreflightShortfallError } from "./models/checkBackends.js";
export { ModelsNotReadyError } from "./models/ModelsNotReadyError.js";
export { ModelRefError } from "./models/ModelRefError.js";
export { ModelSetupError } from "./models/ModelSetupError.js";
