import { ConfigError } from "../errors/ConfigError.js";
import { DEFAULT_PRESET, DEFAULT_PRESET_FOR, getPreset, presetConfig, PRESETS, type ModelBackend } from "../config/presets.js";
import { TOPOLOGY_KINDS, type TopologyKind } from "../config/topologyKind.js";
import path from "node:path";
import { capMaxTokens } from "../config/capMaxTokens.js";
import { readConfigFile } from "../config/loadConfig.js";
import { planTopology, planTopologyFile, type TopologyConfigInput, type TopologyPlan } from "../graphs/planTopology.js";

/**
 * The topology `moa run` uses: a config file, else a preset (on `backend`'s models, Ollama by
 * default), else the default preset of `--topology`, else `moa-lite`. A `--topology` that
 * contradicts the file or preset is an error.
 */
export function resolvePlan({
  config,
  preset,
  topology,
  backend = "ollama",
  maxTokens,
}: {
  config?: string;
  preset?: string;
  topology?: string;
  backend?: ModelBackend;
  /** Caps every agent's generated tokens (`--max-tokens`). */
  maxTokens?: number;
}): TopologyPlan {
  if (topology !== undefined && !(TOPOLOGY_KINDS as readonly string[]).includes(topology)) {
    throw new ConfigError([{ path: "--topology", message: `unknown topology "${topology}"; expected one of ${TOPOLOGY_KINDS.map((k) => `"${k}"`).join(", ")}` }]);
  }
  const kind = topology as TopologyKind | undefined;
  let plan: TopologyPlan;
  const capped = <T>(value: T): T => (maxTokens === undefined ? value : capMaxTokens(value, maxTokens));
  if (config !== undefined) {
    plan =
      maxTokens === undefined
        ? planTopologyFile(config)
        : planTopology({ config: capped(readConfigFile(config) as TopologyConfigInput), source: config, baseDir: path.dirname(path.resolve(config)) });
  }
  else {
    const name = preset ?? (kind ? DEFAULT_PRESET_FOR[kind] : DEFAULT_PRESET);
    const found = getPreset(name);
    if (!found) {
      throw new ConfigError([{ path: "preset", message: `unknown preset "${name}"; expected one of ${Object.keys(PRESETS).map((p) => `"${p}"`).join(", ")}` }]);
    }
    plan = planTopology({ config: capped(presetConfig(found, backend)), source: `preset ${name}${backend === "ollama" ? "" : ` (${backend})`}` });
  }
  if (kind !== undefined && plan.kind !== kind) {
    throw new ConfigError([{ path: "--topology", message: `"${kind}" does not match the ${config !== undefined ? "config file" : "preset"}, which is a "${plan.kind}" topology` }]);
  }
  return plan;
}
