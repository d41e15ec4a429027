import { ConfigError } from "../config/ConfigError.js";
import { DEFAULT_PRESET, DEFAULT_PRESET_FOR, getPreset, PRESETS } from "../config/presets.js";
import { TOPOLOGY_KINDS, type TopologyKind } from "../config/topologyKind.js";
import { planTopology, planTopologyFile, type TopologyPlan } from "../graphs/planTopology.js";

/**
 * The topology `moa run` uses: a config file, else a preset, else the default preset of
 * `--topology`, else `moa-lite`. A `--topology` that contradicts the file or preset is an error.
 */
export function resolvePlan({ config, preset, topology }: { config?: string; preset?: string; topology?: string }): TopologyPlan {
  if (topology !== undefined && !(TOPOLOGY_KINDS as readonly string[]).includes(topology)) {
    throw new ConfigError([{ path: "--topology", message: `unknown topology "${topology}"; expected one of ${TOPOLOGY_KINDS.map((k) => `"${k}"`).join(", ")}` }]);
  }
  const kind = topology as TopologyKind | undefined;
  let plan: TopologyPlan;
  if (config !== undefined) plan = planTopologyFile(config);
  else {
    const name = preset ?? (kind ? DEFAULT_PRESET_FOR[kind] : DEFAULT_PRESET);
    const found = getPreset(name);
    if (!found) {
      throw new ConfigError([{ path: "preset", message: `unknown preset "${name}"; expected one of ${Object.keys(PRESETS).map((p) => `"${p}"`).join(", ")}` }]);
    }
    plan = planTopology({ config: found.config, source: `preset ${name}` });
  }
  if (kind !== undefined && plan.kind !== kind) {
    throw new ConfigError([{ path: "--topology", message: `"${kind}" does not match the ${config !== undefined ? "config file" : "preset"}, which is a "${plan.kind}" topology` }]);
  }
  return plan;
}
