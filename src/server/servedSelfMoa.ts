import { loadConfig } from "../config/loadConfig.js";
import { buildMoAGraph } from "../graphs/moa/graph.js";

export { buildSelfMoAGraph, type BuildSelfMoAGraphOptions } from "../graphs/self-moa/graph.js";

/** The compiled Self-MoA graph served by `langgraph.json` as "self-moa" (`MOA_SELF_MOA_CONFIG` or the `self-moa` preset). */
export const graph = buildMoAGraph({
  config: loadConfig(process.env.MOA_SELF_MOA_CONFIG ? { file: process.env.MOA_SELF_MOA_CONFIG } : { preset: "self-moa" }),
}).compile({ name: "self-moa" });
