/**
 * Presets renamed since earlier versions, by their old name. The 3-layer MoA preset was called `moa`, the
 * name of its topology kind, while `--topology moa` runs the kind's default preset `moa-lite`: one word
 * ran two different things.
 */
const RENAMED_PRESETS: Readonly<Record<string, string>> = { moa: "moa-deep" };

/**
 * The current name of a preset an earlier version called `name`, if it was renamed.
 *
 * @example
 * renamedPreset("moa"); // "moa-deep"
 */
export function renamedPreset(name: string): string | undefined {
  return Object.hasOwn(RENAMED_PRESETS, name) ? RENAMED_PRESETS[name] : undefined;
}
