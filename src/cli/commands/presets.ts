import { listPresets } from "../../graphs/registry.js";
import { presetBackends } from "../../models/providers/registry.js";

/** Options of `moa presets`. */
export interface PresetsCommandOptions {
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa presets`: the built-in topologies, each on model names and on small GGUF files.
 *
 * @example
 * presetsCommand({});
 */
export function presetsCommand({ stdout = process.stdout }: PresetsCommandOptions): void {
  // The GGUF variant is what providers that run files (llama.cpp in-process) take.
  const fileBackends =
    presetBackends()
      .filter((p) => p.presets === "files")
      .map((p) => p.name)
      .join("/") || "gguf";
  for (const preset of listPresets()) {
    stdout.write(`${preset.name.padEnd(10)} ${preset.kind.padEnd(9)} ${preset.description}\n`);
    stdout.write(`${"".padEnd(10)} ${"".padEnd(9)} ${fileBackends}: ${preset.ggufDescription}\n`);
  }
}
