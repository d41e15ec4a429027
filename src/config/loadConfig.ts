import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { ConfigError } from "../errors/ConfigError.js";
import { ensureConfig, type ResolvedTopology } from "./ensureConfig.js";
import { DEFAULT_PRESET, PRESETS, getPreset } from "./presets.js";
import type { MoAConfigInput } from "./schema.js";

/** Where a topology comes from: a file, a preset name, or an object given in code. */
export interface LoadConfigOptions {
  /** Path of a YAML or JSON file. */
  file?: string;
  /** Name of a built-in preset (see `PRESETS`). */
  preset?: string;
  /** A configuration object. */
  config?: MoAConfigInput;
}

/**
 * Loads and validates a topology. With nothing given, the default preset is used. Synchronous so
 * that graph modules can build their compiled default at import time (config files are small).
 *
 * @example
 * const topology = loadConfig({ file: "moa.yaml" });
 * const lite = loadConfig({ preset: "moa-lite" });
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedTopology {
  const given = [options.file, options.preset, options.config].filter((v) => v !== undefined).length;
  if (given > 1) throw new ConfigError([{ path: "", message: "give only one of a config file, a preset or a config object" }]);
  if (options.file !== undefined) {
    const raw = readConfigFile(options.file);
    return ensureConfig(raw as MoAConfigInput, { source: options.file, baseDir: path.dirname(path.resolve(options.file)) });
  }
  if (options.config !== undefined) return ensureConfig(options.config);
  const presetName = options.preset ?? DEFAULT_PRESET;
  const preset = getPreset(presetName);
  if (!preset) {
    throw new ConfigError([
      { path: "preset", message: `unknown preset "${presetName}"; expected one of ${Object.keys(PRESETS).map((p) => `"${p}"`).join(", ")}` },
    ]);
  }
  // ensureConfig reports a CoE/MOSAIC preset as "not a Mixture-of-Agents" (use planTopology for those).
  return ensureConfig(preset.config as MoAConfigInput, { source: `preset ${presetName}` });
}

/** Reads a YAML or JSON file into a plain object, with errors that name the file and position. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "file not found" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory, expected a file" : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError([{ path: "", message: `config file ${file}: ${reason}` }]);
  }
  const isJson = /\.json$/i.test(file);
  // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse rejects as a stray token.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let document: unknown;
  try {
    document = isJson ? parseJson(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([{ path: "", message: `${isJson ? "JSON" : "YAML"} syntax error: ${(error as Error).message.split("\n")[0]!.replace(/:$/, "")}` }], file);
  }
  if (document === null || document === undefined) {
    throw new ConfigError([{ path: "", message: "the file is empty; expected a mapping with \"layers\" and \"aggregator\"" }], file);
  }
  if (typeof document !== "object" || Array.isArray(document)) {
    const kind = Array.isArray(document) ? "a list" : `a ${typeof document}`;
    throw new ConfigError([{ path: "", message: `expected a mapping with "layers" and "aggregator" at the top level, got ${kind}` }], file);
  }
  return document as Record<string, unknown>;
}

function parseYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first) throw new Error(first.message);
  return doc.toJS();
}

// JSON.parse keeps the last of two equal keys without a word, so `"aggregator"` written twice would
// silently drop one. JSON is YAML, so the YAML parser (which refuses duplicate keys) finds them.
function parseJson(text: string): unknown {
  const document = JSON.parse(text) as unknown;
  const duplicate = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true }).errors.find((e) => e.code === "DUPLICATE_KEY");
  if (duplicate) throw new Error(duplicate.message);
  return document;
}
