import { statSync } from "node:fs";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { ConfigError } from "../errors/ConfigError.js";
import { buildTopologyGraph } from "../graphs/buildTopologyGraph.js";
import { loadConfigTraced } from "../graphs/loadConfig.js";
import { topologyDefinition } from "../graphs/registry.js";
import { ensureRunConfiguration, runVariablesOf, type EnsuredRunConfiguration } from "../graphs/runConfiguration.js";
import type { ResolvedTopology } from "../graphs/resolvedTopology.js";
import { newServedGraph } from "./servedState.js";

type CompiledServedGraph = ReturnType<ReturnType<typeof buildTopologyGraph>["compile"]>;

// Built graphs by configuration: a run builds its graph once, later runs with the same configuration
// reuse it while none of the files it was loaded from (stage files included) has changed. Small,
// since each assistant usually keeps one.
const MAX_CACHED = 16;

interface CachedGraph {
  graph: CompiledServedGraph;
  /** Each file read, with its modification time then. */
  files: Array<[string, number]>;
}

/**
 * The graph factory `langgraph.json` serves for a topology kind. The LangGraph server calls it for
 * every run (and for the graph's drawing and schemas) with the run's config; the topology comes from
 * the run's `configurable` (preset, configFile, backend, maxTokens), merged by the server from the
 * assistant's and the run's, else the kind's environment variables, else its default preset.
 *
 * Nothing is read at import time: a bad preset or file fails only the run that names it, with one
 * message naming the field or variable, and never stops the server or the other graphs.
 *
 * @example
 * // langgraph.json: { "graphs": { "chain": "./src/server.ts:chain" } }
 * export const chain = servedGraph("chain");
 */
export function servedGraph(kind: string): (config?: LangGraphRunnableConfig) => CompiledServedGraph {
  const cache = new Map<string, CachedGraph>();
  return (config) => {
    const { source, origin } = configurationOf(kind, config);
    const key = JSON.stringify(source);
    const hit = cache.get(key);
    if (hit && hit.files.every(([file, time]) => modifiedAt(file) === time)) return hit.graph;
    let topology: ResolvedTopology;
    let files: string[];
    try {
      ({ topology, files } = loadConfigTraced(source));
    } catch (error) {
      // Name where the bad choice came from: a variable of the server's or a field of the run's.
      throw error instanceof ConfigError && origin !== "default"
        ? new ConfigError(error.issues, `${error.source ?? "the topology"} (chosen by ${origin})`)
        : error;
    }
    const graph = buildTopologyGraph({ topology, newGraph: newServedGraph }).compile({ name: kind });
    cache.delete(key);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, { graph, files: files.map((file) => [file, modifiedAt(file)]) });
    return graph;
  };
}

/**
 * Where a served kind's topology comes from for a run's config: its `configurable`, else the kind's
 * environment variables, else its default preset.
 *
 * @example
 * const { source, origin } = configurationOf("moa", undefined); // MOA_CONFIG / MOA_PRESET, else moa-lite
 */
export function configurationOf(kind: string, config: LangGraphRunnableConfig | undefined): EnsuredRunConfiguration {
  const definition = topologyDefinition(kind);
  if (!definition) throw new ConfigError([{ path: "graph", message: `no topology kind "${kind}" is registered` }], "langgraph.json");
  if (definition.ensureConfiguration) return definition.ensureConfiguration(config);
  return ensureRunConfiguration(config, {
    kind,
    presets: definition.presets,
    defaultPreset: definition.defaultPreset,
    ...runVariablesOf(kind),
  });
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
