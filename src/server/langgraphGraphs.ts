import { servedGraph } from "./servedGraph.js";

/*
 * The graphs `langgraph.json` serves, one per built-in topology kind. Each is a factory the LangGraph
 * server calls per run, so an assistant or a run picks its topology through `configurable`
 * (see servedGraph and README "LangGraph server and Studio").
 */

/** `moa`: configurable, else `MOA_CONFIG` / `MOA_PRESET`, else the `moa-lite` preset. */
export const moa = servedGraph("moa");
/** `self-moa`: configurable, else `MOA_SELF_MOA_CONFIG` / `MOA_SELF_MOA_PRESET`, else the `self-moa` preset. */
export const selfMoa = servedGraph("self-moa");
/** `coe`: configurable, else `MOA_COE_CONFIG` / `MOA_COE_PRESET`, else the `coe` preset. */
export const coe = servedGraph("coe");
/** `mosaic`: configurable, else `MOA_MOSAIC_CONFIG` / `MOA_MOSAIC_PRESET`, else the `mosaic` preset. */
export const mosaic = servedGraph("mosaic");
