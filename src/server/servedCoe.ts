import { getPreset } from "../config/presets.js";
import { planTopology, planTopologyFile } from "../graphs/planTopology.js";

export { buildCoEGraph, type BuildCoEGraphOptions } from "../graphs/coe/graph.js";

/** The compiled CoE graph served by `langgraph.json` as "coe" (`MOA_COE_CONFIG` or the `coe` preset). */
export const graph = (
  process.env.MOA_COE_CONFIG ? planTopologyFile(process.env.MOA_COE_CONFIG) : planTopology({ config: getPreset("coe")!.config, source: "preset coe" })
).graph.compile({ name: "coe" });
