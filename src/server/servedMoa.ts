import { loadConfig } from "../config/loadConfig.js";
import { buildMoAGraph } from "../graphs/moa/graph.js";

export { buildMoAGraph, type BuildMoAGraphOptions } from "../graphs/moa/graph.js";

/**
 * The compiled MoA graph served by `langgraph.json` and shown in LangGraph Studio as "moa".
 * Its topology comes from `MOA_CONFIG` (a YAML/JSON file) or `MOA_PRESET`, else the `moa-lite`
 * preset. Compiled without a checkpointer: the LangGraph server supplies its own.
 */
export const graph = buildMoAGraph({
  config: loadConfig({
    ...(process.env.MOA_CONFIG ? { file: process.env.MOA_CONFIG } : { preset: process.env.MOA_PRESET || undefined }),
  }),
}).compile({ name: "moa" });
