import path from "node:path";
import { capMaxTokens } from "../config/capMaxTokens.js";
import { readConfigFile } from "../config/readConfigFile.js";
import { ConfigError } from "../errors/ConfigError.js";
import { formatPath } from "../errors/formatZodIssues.js";
import { presetConfig } from "./presetConfig.js";
import { findPreset, listPresets, renamedPreset, topologyDefinition, topologyKinds } from "./registry.js";
import type { NestedTopologySource, PathSegment, ResolveContext, TopologySource } from "./types.js";

export type { TopologySource } from "./types.js";
import type { ResolvedTopology } from "./resolvedTopology.js";

/** Any topology config: MoA (the default), Self-MoA, CoE, MOSAIC or a registered kind, told apart by `topology`. */
export type TopologyConfigInput = Record<string, unknown>;

// Stages can name files and presets that name stages; this bounds a file that includes itself.
const MAX_NESTING = 8;
const RESOLVED = Symbol.for("langgraph-moa.resolvedTopology");

/**
 * Validates a topology and fills every default: the one path from a source (a file, a preset, or an
 * object) to a resolved topology, for every topology kind. The CLI, the served graphs, stage experts
 * and the graph builders all go through it. With nothing given, the `moa-lite` preset.
 *
 * Errors are `ConfigError`s listing every problem with its path in the user's own config
 * (`experts[1].name`, `experts.math.stage.layers[0].agents`).
 *
 * @example
 * const topology = loadConfig({ file: "moa.yaml" });
 * const coe = loadConfig({ preset: "coe", backend: "llamacpp", maxTokens: 256 });
 * const inline = loadConfig({ config: { topology: "self-moa", model: "ollama:qwen2.5:3b", n: 4 } });
 */
export function loadConfig(options: TopologySource = {}): ResolvedTopology {
  return loadConfigTraced(options).topology;
}

/** A resolved topology, and what resolving it involved. */
export interface TracedTopology {
  topology: ResolvedTopology;
  /** Every topology file read, the stage files included (absolute paths). */
  files: string[];
  /** The presets resolved on the chosen backend (not those given a backend of their own). */
  backendPresets: string[];
}

/**
 * {@link loadConfig}, also telling which files it read and which presets followed the chosen backend:
 * what a caller needs to know whether a backend choice matters (`moa run --backend` with a file) and
 * when a cached graph is stale (a stage file changed).
 *
 * @example
 * const { topology, files, backendPresets } = loadConfigTraced({ file: "team.yaml" });
 */
export function loadConfigTraced(options: TopologySource = {}): TracedTopology {
  const { file, preset, config, topology: kind, backend, maxTokens } = options;
  const given = [file, preset, config].filter((v) => v !== undefined).length;
  if (given > 1) throw new ConfigError([{ path: "", message: "give only one of a config file, a preset or a config object" }]);
  if (kind !== undefined && !topologyKinds().includes(kind)) {
    throw new ConfigError([
      {
        path: "topology",
        message: `unknown topology "${kind}"; expected one of ${topologyKinds()
          .map((k) => `"${k}"`)
          .join(", ")}`,
      },
    ]);
  }
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 1)) {
    throw new ConfigError([{ path: "maxTokens", message: `expected a whole number of at least 1, got ${String(maxTokens)}` }]);
  }
  if (config !== undefined && isResolvedTopology(config))
    return { topology: checkKind(config, kind, "config object"), files: [], backendPresets: [] };
  const loader = new Loader(backend ?? "ollama", maxTokens);
  let resolved: ResolvedTopology;
  if (file !== undefined) {
    loader.files.push(path.resolve(file));
    resolved = loader.resolve(readConfigFile(file), { source: file, baseDir: path.dirname(path.resolve(file)), path: [], depth: 0 });
  } else if (config !== undefined) {
    resolved = loader.resolve(config as TopologyConfigInput, {
      source: options.source,
      baseDir: options.baseDir ?? process.cwd(),
      path: [],
      depth: 0,
    });
  } else {
    const name = preset ?? (kind !== undefined ? topologyDefinition(kind)?.defaultPreset : undefined) ?? DEFAULT_PRESET;
    resolved = loader.preset(name, undefined, { source: undefined, baseDir: process.cwd(), path: [], depth: 0 }, ["preset"]);
  }
  const topology = checkKind(resolved, kind, file !== undefined ? "config file" : config !== undefined ? "config object" : "preset");
  return { topology, files: loader.files, backendPresets: loader.backendPresets };
}

/** The preset used when nothing is named. */
export const DEFAULT_PRESET = "moa-lite";

/**
 * Whether a value is a topology {@link loadConfig} resolved (a brand, not a shape check: a config file can
 * never pass itself off as already validated).
 *
 * @example
 * const topology = isResolvedTopology(input) ? input : loadConfig({ config: input });
 */
export function isResolvedTopology(value: unknown): value is ResolvedTopology {
  return typeof value === "object" && value !== null && (value as { [RESOLVED]?: unknown })[RESOLVED] === true;
}

/**
 * The topology kind a raw config declares: its `topology` field, or `moa` when absent.
 *
 * @example
 * topologyKindOf({ topology: "self-moa", model: "ollama:qwen2.5:7b", n: 4 }); // "self-moa"
 */
export function topologyKindOf(raw: unknown, source?: string, at: readonly PathSegment[] = []): string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError([{ path: formatPath(at), message: "expected a mapping describing a topology" }], source);
  }
  const kind = (raw as { topology?: unknown }).topology ?? "moa";
  if (typeof kind === "string" && topologyKinds().includes(kind)) return kind;
  throw new ConfigError(
    [
      {
        path: formatPath([...at, "topology"]),
        message: `unknown topology ${JSON.stringify(kind)}; expected one of ${topologyKinds()
          .map((k) => `"${k}"`)
          .join(", ")}`,
      },
    ],
    source,
  );
}

function checkKind(resolved: ResolvedTopology, kind: string | undefined, what: string): ResolvedTopology {
  if (kind !== undefined && resolved.kind !== kind) {
    throw new ConfigError([{ path: "topology", message: `"${kind}" does not match the ${what}, which is a "${resolved.kind}" topology` }]);
  }
  return resolved;
}

interface Where {
  source: string | undefined;
  baseDir: string;
  path: readonly PathSegment[];
  depth: number;
}

/** One resolution: the backend and token cap every preset and stage of it shares. */
class Loader {
  readonly files: string[] = [];
  readonly backendPresets: string[] = [];

  constructor(
    private readonly backend: string,
    private readonly maxTokens: number | undefined,
  ) {}

  resolve(raw: TopologyConfigInput, where: Where): ResolvedTopology {
    const capped = this.maxTokens === undefined ? raw : capMaxTokens(raw, this.maxTokens);
    const kind = topologyKindOf(capped, where.source, where.path);
    const definition = topologyDefinition(kind)!;
    const parsed = definition.schema.safeParse(capped, { reportInput: true });
    if (!parsed.success) throw ConfigError.fromZod(parsed.error, where.source, where.path);
    const context: ResolveContext = {
      source: where.source,
      baseDir: where.baseDir,
      path: where.path,
      resolveNested: (nested, at) => this.nested(nested, { ...where, path: [...where.path, ...at], depth: where.depth + 1 }),
    };
    const resolved = definition.resolve(parsed.data as never, context) as ResolvedTopology;
    Object.defineProperty(resolved, RESOLVED, { value: true });
    return resolved;
  }

  preset(name: string, backend: string | undefined, where: Where, fieldPath: PathSegment[]): ResolvedTopology {
    const found = findPreset(name);
    if (!found) {
      const known = listPresets()
        .map((p) => `"${p.name}"`)
        .join(", ");
      throw new ConfigError(
        [{ path: formatPath([...where.path, ...fieldPath]), message: unknownPresetMessage(name, known) }],
        where.source,
      );
    }
    const chosen = backend ?? this.backend;
    if (backend === undefined) this.backendPresets.push(name);
    const label = `preset ${name}${chosen === "ollama" ? "" : ` (${chosen})`}`;
    const source =
      where.path.length === 0 && where.source === undefined ? label : `${where.source ?? "config"} (${formatPath(where.path)}: ${label})`;
    return this.resolve(presetConfig(found, chosen), { source, baseDir: process.cwd(), path: [], depth: where.depth });
  }

  private nested(nested: NestedTopologySource, where: Where): ResolvedTopology {
    // Named at the stage of the including config, which is where the loop can be broken.
    if (where.depth > MAX_NESTING) {
      throw new ConfigError(
        [{ path: formatPath(where.path), message: `stages are nested more than ${MAX_NESTING} deep; does a stage include its own file?` }],
        where.source,
      );
    }
    if (isPresetSource(nested)) return this.preset(nested.preset, nested.backend, where, ["preset"]);
    if (isFileSource(nested)) {
      const file = path.resolve(where.baseDir, nested.file);
      this.files.push(file);
      return this.resolve(readStageFile(file, where), { source: file, baseDir: path.dirname(file), path: [], depth: where.depth });
    }
    return this.resolve(nested, where);
  }
}

function unknownPresetMessage(name: string, known: string): string {
  const renamed = renamedPreset(name);
  if (renamed === undefined) return `unknown preset "${name}"; expected one of ${known}`;
  const kind = topologyDefinition(name);
  const asKind =
    kind?.defaultPreset !== undefined
      ? `; "${name}" is the topology kind, whose default preset is "${kind.defaultPreset}": write "${renamed}" for the preset this name used to run, or "${kind.defaultPreset}" for the kind's default (on the command line: --preset ${renamed}, or --topology ${name})`
      : `: write "${renamed}"`;
  return `the preset "${name}" is now called "${renamed}"${asKind}`;
}

// A stage file that cannot be read is a problem of the including config, at the stage's `file`.
function readStageFile(file: string, where: Where): TopologyConfigInput {
  try {
    return readConfigFile(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const at = formatPath([...where.path, "file"]);
    throw new ConfigError(
      error.issues.map((issue) => ({
        path: at,
        message: `${error.source ? `${error.source}: ` : ""}${issue.path ? `${issue.path}: ` : ""}${issue.message}`,
      })),
      where.source,
    );
  }
}

function isPresetSource(value: NestedTopologySource): value is { preset: string; backend?: string } {
  return typeof (value as { preset?: unknown }).preset === "string" && Object.keys(value).every((k) => k === "preset" || k === "backend");
}

function isFileSource(value: NestedTopologySource): value is { file: string } {
  return typeof (value as { file?: unknown }).file === "string" && Object.keys(value).length === 1;
}
