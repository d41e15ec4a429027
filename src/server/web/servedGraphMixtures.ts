import { loadConfig } from "../../graphs/loadConfig.js";
import { topologyDefinition } from "../../graphs/registry.js";
import { ensureRunConfiguration, runVariablesOf } from "../../graphs/runConfiguration.js";
import { describeMixture } from "../mixtures/describeMixture.js";
import type { ListedMixture } from "./modelsRoute.js";

/**
 * The graphs of `langgraph.json` as `GET /v1/models` lists them: each graph id with its topology as a
 * run without `configurable` gets it (the kind's environment variables, else its default preset). A
 * graph whose default cannot load (a bad variable) is left out, as it could not run either; its runs
 * say why.
 *
 * @example
 * servedGraphMixtures({ moa: "moa", "self-moa": "self-moa" }).map((mixture) => mixture.id);
 */
export function servedGraphMixtures(graphs: Record<string, string>): ListedMixture[] {
  const listed: ListedMixture[] = [];
  for (const [id, kind] of Object.entries(graphs)) {
    try {
      const definition = topologyDefinition(kind);
      if (!definition) continue;
      const { source } = definition.ensureConfiguration
        ? definition.ensureConfiguration(undefined)
        : ensureRunConfiguration(undefined, {
            kind,
            presets: definition.presets,
            defaultPreset: definition.defaultPreset,
            ...runVariablesOf(kind),
          });
      listed.push({ id, description: describeMixture(loadConfig(source)) });
    } catch (error) {
      console.warn(`GET /v1/models leaves out graph "${id}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return listed;
}
