import { ConfigError } from "../errors/ConfigError.js";
import { coeTopology } from "./coe/index.js";
import { moaTopology } from "./moa/index.js";
import { mosaicTopology } from "./mosaic/index.js";
import { selfMoaTopology } from "./self-moa/index.js";
import { renamedPreset } from "./renamedPreset.js";
import type { Preset, ResolvedTopologyBase, TopologyDefinition } from "./types.js";

export { renamedPreset } from "./renamedPreset.js";

// Definitions differ in their config and resolved types; the registry holds them by kind, and each
// is used only with configs its own schema validated.
type AnyTopologyDefinition = TopologyDefinition<never, never>;

/** The built-in topologies: one line each (their resolved types join `ResolvedTopology` from here). */
const BUILTIN_TOPOLOGIES = [moaTopology, selfMoaTopology, coeTopology, mosaicTopology] as const;

/** The resolved topology of each built-in kind, as a union. */
export type BuiltinResolvedTopology = ResolvedOf<(typeof BUILTIN_TOPOLOGIES)[number]>;
type ResolvedOf<Definition> = Definition extends { resolve: (...args: never[]) => infer Resolved } ? Resolved : never;

const topologies: AnyTopologyDefinition[] = [...(BUILTIN_TOPOLOGIES as unknown as AnyTopologyDefinition[])];

/**
 * Adds a topology kind: its configs validate and resolve, its graph builds, its presets are listed,
 * and `loadConfig`, `planTopology`, the CLI and stage experts accept it, without any other module
 * knowing its name. Returns a function that removes it again.
 *
 * @example
 * const unregister = registerTopology(chainTopology);
 */
export function registerTopology<Config, Resolved extends ResolvedTopologyBase>(
  definition: TopologyDefinition<Config, Resolved>,
): () => void {
  const entry = definition as unknown as AnyTopologyDefinition;
  if (!/^[a-z][a-z0-9-]*$/.test(entry.kind)) {
    throw new ConfigError(
      [{ path: "kind", message: `expected lower-case letters, digits or "-", got "${entry.kind}"` }],
      "registerTopology",
    );
  }
  if (topologyDefinition(entry.kind))
    throw new ConfigError([{ path: "kind", message: `the topology kind "${entry.kind}" is already registered` }], "registerTopology");
  const taken = entry.presets.find((preset) => findPreset(preset.name) || renamedPreset(preset.name) !== undefined);
  if (taken) throw new ConfigError([{ path: "presets", message: `a preset named "${taken.name}" already exists` }], "registerTopology");
  const clash = namingClash([...topologies, entry]);
  if (clash) throw new ConfigError([{ path: "presets", message: clash }], "registerTopology");
  topologies.push(entry);
  return () => {
    const index = topologies.indexOf(entry);
    if (index >= 0) topologies.splice(index, 1);
  };
}

/**
 * Why `--preset X` and `--topology X` would run different things, if they would: a preset may share its
 * name with a topology kind only when it is that kind's default preset.
 */
function namingClash(definitions: readonly AnyTopologyDefinition[]): string | undefined {
  for (const definition of definitions) {
    for (const preset of definition.presets) {
      const kind = definitions.find((d) => d.kind === preset.name);
      if (kind && kind.defaultPreset !== preset.name)
        return `the preset "${preset.name}" has the name of the topology kind "${kind.kind}", whose default preset is ${kind.defaultPreset === undefined ? "none" : `"${kind.defaultPreset}"`}: --preset and --topology would run different things`;
    }
  }
  return undefined;
}

/** Every registered topology kind, built-ins first. */
export function topologyKinds(): string[] {
  return topologies.map((t) => t.kind);
}

/** The definition of a topology kind, if registered. */
export function topologyDefinition(kind: string): AnyTopologyDefinition | undefined {
  return topologies.find((t) => t.kind === kind);
}

/** Every registered topology definition. */
export function topologyDefinitions(): readonly AnyTopologyDefinition[] {
  return topologies;
}

/** Every preset of every registered topology. */
export function listPresets(): Preset[] {
  return topologies.flatMap((t) => [...t.presets]);
}

/** A preset by name, or undefined. */
export function findPreset(name: string): Preset | undefined {
  return listPresets().find((preset) => preset.name === name);
}
