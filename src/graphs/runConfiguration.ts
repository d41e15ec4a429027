import { realpathSync } from "node:fs";
import path from "node:path";
import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { ConfigError } from "../errors/ConfigError.js";
import { presetBackends } from "../models/providers/registry.js";
import { renamedPreset } from "./renamedPreset.js";
import type { EnsuredRunConfiguration, Preset } from "./types.js";
import type { Environment } from "../util/environment.js";

export type { EnsuredRunConfiguration } from "./types.js";

/**
 * What a run of a served graph may configure (`config.configurable`, per assistant or per run); the
 * LangGraph server shows these fields in Studio and `GET /assistants/{id}/schemas`.
 */
export const RunConfigurationSchema = z.object({
  preset: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A built-in topology of this graph's kind (see `moa presets`); default: the graph's preset variable, else its default preset",
    ),
  configFile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Path of a topology file (YAML or JSON) on the server, inside its config folder (MOA_CONFIG_DIR, else the server's working directory); default: the graph's config variable",
    ),
  backend: z
    .string()
    .min(1)
    .optional()
    .describe("Where presets' models run: ollama, llamacpp or openai (default: MOA_BACKEND, else ollama)"),
  maxTokens: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe("Cap on every agent's generated tokens (default: MOA_MAX_TOKENS, else the topology's own)"),
});

/** A run's configuration as written. */
export type RunConfiguration = z.infer<typeof RunConfigurationSchema>;

/** A served graph's kind, its presets, and where it finds its defaults in the environment. */
export interface RunConfigurationDefaults {
  kind: string;
  /** The kind's own presets: a run may pick one of these. */
  presets: readonly Preset[];
  /** The preset run when nothing is configured. */
  defaultPreset?: string | undefined;
  /** Variable naming a topology file, e.g. `MOA_CONFIG`. */
  fileVariable: string;
  /** Variable naming a preset, e.g. `MOA_PRESET`. */
  presetVariable: string;
}

/**
 * The environment variables of a kind's served graph when it names none: `MOA_<KIND>_CONFIG` and
 * `MOA_<KIND>_PRESET`.
 *
 * @example
 * runVariablesOf("self-moa"); // { fileVariable: "MOA_SELF_MOA_CONFIG", presetVariable: "MOA_SELF_MOA_PRESET" }
 */
export function runVariablesOf(kind: string): { fileVariable: string; presetVariable: string } {
  const stem = `MOA_${kind.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  return { fileVariable: `${stem}_CONFIG`, presetVariable: `${stem}_PRESET` };
}

/**
 * Fills a served graph's run configuration, in the manner of the LangGraph templates'
 * `ensureConfiguration()`: the run's (and its assistant's) `configurable` first, then the environment,
 * then the kind's default preset. Every value is checked here, so a bad preset, file name, backend or
 * cap fails that run alone with one message naming the field or variable it came from.
 *
 * @example
 * ensureRunConfiguration({ configurable: { preset: "moa-deep" } }, { kind: "moa", fileVariable: "MOA_CONFIG", presetVariable: "MOA_PRESET" });
 * // { source: { preset: "moa-deep", topology: "moa", backend: "ollama" }, origin: "configurable.preset" }
 */
export function ensureRunConfiguration(
  config: RunnableConfig | undefined,
  defaults: RunConfigurationDefaults,
  env: Environment = process.env,
): EnsuredRunConfiguration {
  const { kind, fileVariable, presetVariable, defaultPreset } = defaults;
  const parsed = RunConfigurationSchema.safeParse(pick(config?.configurable), { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, "the run's configuration", ["configurable"]);
  const own = parsed.data;
  if (own.preset !== undefined && own.configFile !== undefined) {
    throw new ConfigError([{ path: "configurable", message: "give either preset or configFile, not both" }], "the run's configuration");
  }
  const backend = chooseBackend(own.backend, env);
  const maxTokens = own.maxTokens ?? parseMaxTokens(env.MOA_MAX_TOKENS);
  const base = { topology: kind, backend, ...(maxTokens !== undefined ? { maxTokens } : {}) };
  // The run's own choice of topology replaces the environment's entirely.
  if (own.configFile !== undefined)
    return { source: { ...base, file: fileInConfigFolder(own.configFile, env) }, origin: "configurable.configFile" };
  if (own.preset !== undefined)
    return { source: { ...base, preset: checkPreset(own.preset, defaults, "configurable.preset") }, origin: "configurable.preset" };
  if (env[fileVariable]) return { source: { ...base, file: env[fileVariable] }, origin: fileVariable };
  if (env[presetVariable])
    return { source: { ...base, preset: checkPreset(env[presetVariable], defaults, presetVariable) }, origin: presetVariable };
  const fallback = defaultPreset;
  if (fallback === undefined) {
    throw new ConfigError(
      [{ path: "configurable", message: `the "${kind}" graph has no default preset; set configurable.configFile or ${fileVariable}` }],
      "the run's configuration",
    );
  }
  return { source: { ...base, preset: fallback }, origin: "default" };
}

/**
 * A client's `configFile`, resolved inside the server's config folder. Clients of a server are not
 * its operator: they may pick among the topology files the operator put there, never make the
 * server read any other file (a file can name API key variables and servers to send them to). The
 * operator's own variables (`MOA_CONFIG`, ...) are not limited.
 */
function fileInConfigFolder(file: string, env: Environment): string {
  const folder = path.resolve(env.MOA_CONFIG_DIR || process.cwd());
  const resolved = path.resolve(folder, file);
  let inside = path.relative(folder, resolved);
  try {
    // A symbolic link inside the folder must not lead out of it.
    inside = path.relative(realpathSync(folder), realpathSync(resolved));
  } catch {
    // A missing file is reported by the loader, with its path.
  }
  if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside)) {
    throw new ConfigError(
      [
        {
          path: "configurable.configFile",
          message: `expected a file inside the server's config folder ${folder} (MOA_CONFIG_DIR, else the server's working directory), got "${file}"`,
        },
      ],
      "the run's configuration",
    );
  }
  return resolved;
}

// The server adds its own keys (thread_id, run_id, ...) to configurable; only ours are read.
function pick(configurable: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(RunConfigurationSchema.shape)) if (configurable?.[key] !== undefined) out[key] = configurable[key];
  return out;
}

function chooseBackend(own: string | undefined, env: Environment): string {
  const [value, field] =
    own !== undefined ? [own, "configurable.backend"] : env.MOA_BACKEND ? [env.MOA_BACKEND, "MOA_BACKEND"] : ["ollama", "backend"];
  const choices = presetBackends().map((p) => p.name);
  if (!choices.includes(value)) {
    throw new ConfigError(
      [{ path: field, message: `unknown backend "${value}"; expected one of ${choices.map((c) => `"${c}"`).join(", ")}` }],
      "the run's configuration",
    );
  }
  return value;
}

function parseMaxTokens(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw new ConfigError(
      [{ path: "MOA_MAX_TOKENS", message: `expected a whole number from 1 to 1000000, got "${raw}"` }],
      "the environment",
    );
  return n;
}

function checkPreset(name: string, { kind, presets }: RunConfigurationDefaults, field: string): string {
  if (presets.some((p) => p.name === name)) return name;
  const own = presets.map((p) => `"${p.name}"`).join(", ") || "none";
  const renamed = renamedPreset(name);
  if (renamed !== undefined && presets.some((p) => p.name === renamed))
    throw new ConfigError([{ path: field, message: `the preset "${name}" is now called "${renamed}"` }], "the run's configuration");
  throw new ConfigError(
    [
      {
        path: field,
        message: `"${name}" is not a preset of this graph, which serves ${kind} topologies (its presets: ${own}); other kinds have graphs of their own (see \`moa presets\`)`,
      },
    ],
    "the run's configuration",
  );
}
