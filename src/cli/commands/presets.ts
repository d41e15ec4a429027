import { wrapWords } from "../../util/wrapWords.js";
import type { ResolvedAgent } from "../../config/ResolvedAgent.js";
import { DEFAULT_PRESET, loadConfig } from "../../graphs/loadConfig.js";
import { listPresets, topologyDefinition } from "../../graphs/registry.js";
import type { Preset } from "../../graphs/types.js";
import { presetBackends } from "../../models/providers/registry.js";

/** Options of `moa presets`. */
export interface PresetsCommandOptions {
  stdout?: NodeJS.WritableStream;
}

const WIDTH = 100;
const NAME = 10;
const KIND = 9;
const INDENT = " ".repeat(NAME + KIND + 2);

/**
 * `moa presets`: the built-in topologies under a header, each with its kind, the agents a question
 * goes through, which defaults it is, and what it runs on model names and on small GGUF files;
 * lines fit 100 columns.
 *
 * @example
 * presetsCommand({});
 */
export function presetsCommand({ stdout = process.stdout }: PresetsCommandOptions): void {
  // The GGUF variant is what providers that run files (llama.cpp in-process) take.
  const backendsTaking = (presets: "files" | "names", fallback: string) =>
    presetBackends()
      .filter((p) => p.presets === presets)
      .map((p) => p.name)
      .join("/") || fallback;
  const fileBackends = backendsTaking("files", "gguf");
  // Model names (qwen2.5:3b) are what servers that pull models by name take: Ollama, and OpenAI-compatible ones.
  const nameBackends = backendsTaking("names", "ollama");
  stdout.write(`${"preset".padEnd(NAME)} ${"kind".padEnd(KIND)} agents per question, then what it runs\n`);
  for (const preset of listPresets()) {
    const defaults = defaultsOf(preset);
    stdout.write(`${preset.name.padEnd(NAME)} ${preset.kind.padEnd(KIND)} ${shapeOf(preset)}${defaults ? ` (${defaults})` : ""}\n`);
    for (const line of wrap(`${nameBackends}: ${preset.description}`)) stdout.write(`${INDENT}${line}\n`);
    for (const line of wrap(`${fileBackends}: ${preset.ggufDescription}`)) stdout.write(`${INDENT}${line}\n`);
  }
  stdout.write(`\n\`moa run --preset <preset> "..."\` runs one; \`--topology <kind>\` runs the kind's default preset.\n`);
}

/** `3 proposers -> 3 refiners -> final aggregator`, `router -> 3 experts`: the agents in layer order, by role. */
export function shapeOf(preset: Preset): string {
  const topology = loadConfig({ preset: preset.name });
  const agents = new Map<string, ResolvedAgent>();
  for (const agent of [...topology.requirements.flat(), ...topology.optional]) agents.set(agent.id, agent);
  const groups: Array<{ layer: number; role: string; count: number }> = [];
  for (const agent of [...agents.values()].sort((a, b) => a.layer - b.layer)) {
    const last = groups.at(-1);
    if (last && last.layer === agent.layer && last.role === agent.role) last.count++;
    else groups.push({ layer: agent.layer, role: agent.role, count: 1 });
  }
  return groups.map(({ role, count }) => (role === "final" ? "final aggregator" : count === 1 ? role : `${count} ${role}s`)).join(" -> ");
}

function defaultsOf(preset: Preset): string {
  const of: string[] = [];
  if (topologyDefinition(preset.kind)?.defaultPreset === preset.name) of.push(`--topology ${preset.kind}`);
  if (preset.name === DEFAULT_PRESET) of.push("moa run");
  return of.length > 0 ? `default of ${of.join(" and ")}` : "";
}

/** Words wrapped to what is left of 100 columns after the indent. */
function wrap(text: string): string[] {
  return wrapWords({ text, width: WIDTH - INDENT.length });
}
