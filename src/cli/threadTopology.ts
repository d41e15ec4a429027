import { realpathSync } from "node:fs";
import { readConfigFile } from "../config/readConfigFile.js";
import { UsageError } from "../errors/UsageError.js";
import { DEFAULT_PRESET, topologyKindOf } from "../graphs/loadConfig.js";
import { findPreset, topologyDefinition } from "../graphs/registry.js";
import type { TopologySource } from "../persistence/RunStore.js";

/** What `moa run --thread` continues with, and what it tells the user about it. */
export interface ThreadTopology {
  /** The topology source of this turn. */
  source: TopologySource;
  /** A line for stderr, when the choice is worth saying. */
  note?: string;
}

/**
 * The topology a turn on a thread runs with. A thread keeps its topology: naming another one (`--preset`,
 * `--config`, or a `--topology` of another kind) is refused with both named and how to go on, unless
 * `switchTopology` says to switch the thread. A `--topology` alone that matches the thread's kind is
 * only a check, and the thread goes on as it was.
 *
 * @example
 * resolveThreadTopology({ threadId: "t", stored: { preset: "moa-lite" }, requested: { preset: "coe" } }); // throws
 */
export function resolveThreadTopology({
  threadId,
  stored,
  requested,
  switchTopology = false,
}: {
  threadId: string;
  /** The thread's stored source; undefined for a new thread. */
  stored: TopologySource | undefined;
  /** What the command line names (empty when it names nothing). */
  requested: TopologySource;
  switchTopology?: boolean;
}): ThreadTopology {
  const named = requested.file !== undefined || requested.preset !== undefined || requested.topology !== undefined;
  if (stored === undefined) return { source: requested, ...defaultPresetNote(requested) };
  if (!named) return { source: { ...stored } };
  const onlyKind = requested.file === undefined && requested.preset === undefined;
  if (onlyKind && kindOf(stored) === requested.topology) return { source: { ...stored } };
  const before = describe(stored);
  const after = describe(requested);
  if (before === after) return { source: requested };
  if (sameFile(stored.file, requested.file)) return { source: { ...stored } };
  // A file that cannot be read or parsed is the problem to report, before any advice about switching to it.
  if (requested.file !== undefined) readConfigFile(requested.file);
  if (switchTopology) return { source: requested, note: `switching thread ${threadId} from ${before} to ${after} (--switch-topology)` };
  const flag =
    requested.file !== undefined
      ? `--config ${requested.file}`
      : requested.preset !== undefined
        ? `--preset ${requested.preset}`
        : `--topology ${requested.topology}`;
  const option = flag.split(" ")[0]!;
  throw new UsageError(
    [
      `thread ${threadId} runs ${before}; ${flag} would switch it to ${after}`,
      `  to go on with the thread: leave out ${option}`,
      `  for ${after}: start a new thread (leave out --thread, or give a new id)`,
      "  to switch this thread: add --switch-topology",
    ].join("\n"),
    { code: "thread_topology_changed", fix: `leave out ${option}, start a new thread, or add --switch-topology` },
  );
}

// The same file reached by another path (a symlink, `./` or `..`) is the same topology.
function sameFile(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** `preset moa-lite (topology moa)`, `config file /abs/team.yaml (topology coe)`. */
function describe(source: TopologySource): string {
  const kind = kindOf(source);
  const what = source.file !== undefined ? `config file ${source.file}` : `preset ${presetOf(source)}`;
  return kind === undefined ? what : `${what} (topology ${kind})`;
}

function presetOf(source: TopologySource): string {
  return (
    source.preset ?? (source.topology !== undefined ? topologyDefinition(source.topology)?.defaultPreset : undefined) ?? DEFAULT_PRESET
  );
}

function kindOf(source: TopologySource): string | undefined {
  if (source.file !== undefined) {
    try {
      return topologyKindOf(readConfigFile(source.file), source.file);
    } catch {
      // A file that cannot be read now is still named; loading it later reports why.
      return source.topology;
    }
  }
  return findPreset(presetOf(source))?.kind ?? source.topology;
}

/** Says which preset a `--topology` alone runs: the kind's default, named so the two are never confused. */
function defaultPresetNote(requested: TopologySource): { note?: string } {
  if (requested.topology === undefined || requested.file !== undefined || requested.preset !== undefined) return {};
  const preset = topologyDefinition(requested.topology)?.defaultPreset;
  return preset === undefined ? {} : { note: `preset: ${preset} (the default of topology ${requested.topology}; see \`moa presets\`)` };
}
