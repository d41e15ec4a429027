import { getPreset } from "../config/presets.js";
import { planTopology, planTopologyFile } from "../graphs/planTopology.js";

export { buildMosaicGraph, type BuildMosaicGraphOptions } from "../graphs/mosaic/graph.js";

/** The compiled MOSAIC graph served by `langgraph.json` as "mosaic" (`MOA_MOSAIC_CONFIG` or the `mosaic` preset). */
export const graph = (
  process.env.MOA_MOSAIC_CONFIG ? planTopologyFile(process.env.MOA_MOSAIC_CONFIG) : planTopology({ config: getPreset("mosaic")!.config, source: "preset mosaic" })
).graph.compile({ name: "mosaic" });
