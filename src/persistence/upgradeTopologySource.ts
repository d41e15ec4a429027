import { renamedPreset } from "../graphs/registry.js";
import type { TopologySource } from "./RunStore.js";

/**
 * A thread's stored topology source as this version names it: a preset renamed since the thread was
 * saved (the 3-layer `moa`, now `moa-deep`) becomes its new name, so `--thread` and `moa resume` go on
 * with the same topology.
 *
 * @example
 * upgradeTopologySource({ preset: "moa", backend: "ollama" }); // { preset: "moa-deep", backend: "ollama" }
 */
export function upgradeTopologySource(source: TopologySource): TopologySource {
  const renamed = source.preset === undefined ? undefined : renamedPreset(source.preset);
  return renamed === undefined ? source : { ...source, preset: renamed };
}
