// langgraph-moa/scheduling: place experts on inference workers (MOSAIC), simulate schedules, run batches.
export type {
  GateConfig,
  ProblemModel,
  ProblemQuery,
  ProblemWorker,
  Schedule,
  ScheduleOptions,
  Scheduler,
  ScheduleStep,
  SchedulingProblem,
  ServiceDistribution,
  SolveReport,
} from "./types.js";
export { WorkloadSchema, type Workload, type WorkloadInput } from "./workloadSchema.js";
export { workloadJsonSchema } from "./workloadJsonSchema.js";
export { normalizeWorkload, meanOf, type NormalizeWorkloadOptions } from "./normalizeWorkload.js";
export { loadWorkload, type LoadedWorkload } from "./loadWorkload.js";
export { routeWorkload, type RouteWorkloadOptions, type RoutingSummary } from "./routeWorkload.js";
export { schedulers, schedulerNames, rrScheduler, dpScheduler, lptScheduler, ilpScheduler } from "./schedulers/index.js";
export { createIlpScheduler, DEFAULT_ILP_TIME_LIMIT_SECONDS, type IlpSchedulerOptions } from "./schedulers/ilpScheduler.js";
export { plannedMakespan, type Plan, type PlannedMakespan, type WorkerPlan } from "./plannedMakespan.js";
export { planToSchedule } from "./planToSchedule.js";
export { lowerBound, type MakespanLowerBound } from "./lowerBound.js";
export { sampleRealisation, type Realisation } from "./sampleRealisation.js";
export { simulateSchedule, type SimulateScheduleOptions, type SimulationResult, type WorkerTimeline } from "./simulateSchedule.js";
export { validateSchedule, assertValidSchedule } from "./validateSchedule.js";
export {
  compareSchedulers,
  summariseComparison,
  type SchedulerComparison,
  type SchedulerOutcome,
  type SchedulerSummary,
} from "./compareSchedulers.js";
export { ResidentModels } from "./ResidentModels.js";
export { runBatch, type BatchProgress, type BatchReport, type RunBatchOptions } from "./run/runBatch.js";
export { readBatchResults, type BatchCall, type BatchResult } from "./run/batchResults.js";
export { defaultWorkerModels, type WorkerModels } from "./run/defaultWorkerModels.js";
export { meanRealisation } from "./run/meanRealisation.js";
export { profileWorkload, type ProfileReport, type ProfiledExpert, type ProfileWorkloadOptions } from "./profile/profileWorkload.js";
export { applyProfiles } from "./profile/applyProfiles.js";
