/**
 * `langgraph-moa/server`: serving topologies over HTTP. `createServeApp` is `moa serve`'s app (OpenAI-compatible
 * routes, the LangGraph API subset the web page uses, the page); the rest serves them on the LangGraph server
 * (`langgraph.json`): graph factories configurable per assistant and per run, and the routes mounted through `http.app`.
 */
export { createServeApp, type ServeApp, type ServeAppOptions } from "./createServeApp.js";
export { loadServedMixtures, type LoadServedMixturesOptions } from "./mixtures/loadServedMixtures.js";
export {
  describeMixture,
  type MixtureAgentDescription,
  type MixtureDescription,
  type MixtureLayerDescription,
} from "./mixtures/describeMixture.js";
export type { ServedMixture } from "./mixtures/ServedMixture.js";
export { createLangGraphApi, type LangGraphApiOptions } from "./langgraph/createLangGraphApi.js";
export { webPage } from "./web/webPage.js";
export { langgraphOpenAIRoutes } from "./langgraphOpenAIRoutes.js";
export { OpenAIHttpError, type OpenAIErrorType } from "./openai/OpenAIHttpError.js";
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
