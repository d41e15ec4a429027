/**
 * `langgraph-moa/server`: serving topologies on the LangGraph server (`langgraph.json`): graph
 * factories configurable per assistant and per run, and the routes mounted through `http.app`.
 */
export { servedGraph } from "./servedGraph.js";
export { newServedGraph } from "./servedState.js";
export { app as langgraphApp, unwrapError } from "./langgraphApp.js";
export {
  ensureRunConfiguration,
  runVariablesOf,
  RunConfigurationSchema,
  type EnsuredRunConfiguration,
  type RunConfiguration,
  type RunConfigurationDefaults,
} from "../graphs/runConfiguration.js";
