import { ConfigError } from "../../../../errors/ConfigError.js";
import { formatMemorySize, parseByteSize } from "./byteSize.js";
import type { Environment } from "../../../../util/environment.js";

/** Sequences per context when the caller does not say: enough for one MoA layer of proposers. */
export const DEFAULT_SEQUENCES = 4;

/**
 * Upper bound on the per-sequence context size when the caller does not give one. node-llama-cpp's
 * `"auto"` would size each sequence up to the model's training context (128k for recent models),
 * times the number of sequences, which can take all the RAM of a small machine.
 */
export const DEFAULT_MAX_CONTEXT_SIZE = 4096;

/**
 * Models kept loaded at once when neither `MOA_LLAMACPP_MAX_MODELS` nor
 * `configureLlamaRuntime` says otherwise: a typical MoA topology (3 proposers + aggregator) of
 * distinct models stays resident, and a larger one swaps models instead of exhausting RAM.
 */
export const DEFAULT_MAX_LOADED_MODELS = 4;

/** Settings for `configureLlamaRuntime`; `null` restores the environment's (or built-in) default. */
export interface LlamaRuntimeConfig {
  /** Models kept loaded at once; the least recently used idle one is unloaded to make room. */
  maxLoadedModels?: number | null;
  /**
   * RAM the runtime may use for models and their contexts. `Infinity` turns the memory guard off.
   * Unset: measured (MemAvailable from /proc/meminfo, else `os.freemem()`).
   */
  memoryLimitBytes?: number | null;
}

/** The settings in force, after programmatic overrides and the environment. */
export interface EffectiveLlamaRuntimeConfig {
  maxLoadedModels: number;
  /** `undefined`: measure the system's available memory at each load. */
  memoryLimitBytes: number | undefined;
  /** Where the limit comes from, for error messages. */
  memoryLimitSource: string | undefined;
}

const overrides: { maxLoadedModels?: number; memoryLimitBytes?: number } = {};

/**
 * Applies programmatic overrides: a given number replaces the setting, `null` removes the override,
 * an absent key leaves it as it is. Called through `configureLlamaRuntime`, which also wakes callers
 * waiting for room.
 *
 * @example
 * setRuntimeConfig({ maxLoadedModels: 1 });
 */
export function setRuntimeConfig({ maxLoadedModels, memoryLimitBytes }: LlamaRuntimeConfig): void {
  if (maxLoadedModels === null) delete overrides.maxLoadedModels;
  else if (maxLoadedModels !== undefined) overrides.maxLoadedModels = checkMaxModels(maxLoadedModels, "maxLoadedModels");
  if (memoryLimitBytes === null) delete overrides.memoryLimitBytes;
  else if (memoryLimitBytes !== undefined) {
    if (!(memoryLimitBytes > 0))
      throw new ConfigError([{ path: "memoryLimitBytes", message: `expected a positive number of bytes, got ${memoryLimitBytes}` }]);
    overrides.memoryLimitBytes = memoryLimitBytes;
  }
}

/**
 * Reads the settings in force. The environment is read on every call (it is cheap), so a test or
 * a long-lived process can change `MOA_LLAMACPP_*` variables between runs.
 *
 * @throws {ConfigError} naming the variable when `MOA_LLAMACPP_MAX_MODELS` or `MOA_LLAMACPP_MEMORY_LIMIT` is malformed.
 * @example
 * const { maxLoadedModels, memoryLimitBytes } = effectiveRuntimeConfig();
 */
export function effectiveRuntimeConfig(env: Environment = process.env): EffectiveLlamaRuntimeConfig {
  const maxLoadedModels = overrides.maxLoadedModels ?? envMaxModels(env) ?? DEFAULT_MAX_LOADED_MODELS;
  if (overrides.memoryLimitBytes !== undefined) {
    return {
      maxLoadedModels,
      memoryLimitBytes: overrides.memoryLimitBytes,
      memoryLimitSource: `memory limit ${formatMemorySize(overrides.memoryLimitBytes)} set by configureLlamaRuntime`,
    };
  }
  const raw = env.MOA_LLAMACPP_MEMORY_LIMIT?.trim();
  if (!raw) return { maxLoadedModels, memoryLimitBytes: undefined, memoryLimitSource: undefined };
  if (/^(off|none|unlimited)$/i.test(raw))
    return { maxLoadedModels, memoryLimitBytes: Infinity, memoryLimitSource: "MOA_LLAMACPP_MEMORY_LIMIT=off" };
  const bytes = parseByteSize(raw);
  if (bytes === undefined || bytes <= 0) {
    // A configuration error (exit 2 at the CLI), named like a config field.
    throw new ConfigError([
      { path: "MOA_LLAMACPP_MEMORY_LIMIT", message: `expected a size such as 512MB, 2GB or a number of bytes (or "off"), got "${raw}"` },
    ]);
  }
  return { maxLoadedModels, memoryLimitBytes: bytes, memoryLimitSource: `MOA_LLAMACPP_MEMORY_LIMIT=${raw}` };
}

/** What `MOA_LLAMACPP_GPU` asks for: `false` runs on the CPU. */
export type LlamaGpuSetting = false | "auto" | "cuda" | "vulkan" | "metal";

const GPU_CHOICES = ["auto", "cuda", "vulkan", "metal"] as const;
const CPU_WORDS = ["", "cpu", "off", "false", "0", "none"];

/**
 * CPU unless `MOA_LLAMACPP_GPU` says otherwise (`auto`, `cuda`, `vulkan`, `metal`): GPU detection
 * can be slow or noisy on machines without one, and CPU always works with the prebuilt binaries.
 * A value that is neither is refused rather than quietly run on the CPU (a typo such as `cdua`).
 *
 * @throws {ConfigError} naming the variable when its value is not one of those.
 * @example
 * const gpu = llamaGpuSetting(process.env); // false | "auto" | "cuda" | "vulkan" | "metal"
 */
export function llamaGpuSetting(env: Environment = process.env): LlamaGpuSetting {
  const value = env.MOA_LLAMACPP_GPU?.trim().toLowerCase() ?? "";
  const gpu = GPU_CHOICES.find((choice) => choice === value);
  if (gpu) return gpu;
  if (CPU_WORDS.includes(value)) return false;
  throw new ConfigError([
    {
      path: "MOA_LLAMACPP_GPU",
      message: `expected one of ${GPU_CHOICES.join(", ")} (or "cpu"/"off", the default), got "${env.MOA_LLAMACPP_GPU ?? ""}"`,
    },
  ]);
}

/**
 * Validates every `MOA_LLAMACPP_*` variable a run reads, so a typo is reported before any download
 * or model call rather than after gigabytes of downloads.
 *
 * @throws {ConfigError} naming the first malformed variable.
 * @example
 * checkLlamaEnvironment(process.env);
 */
export function checkLlamaEnvironment(env: Environment = process.env): void {
  effectiveRuntimeConfig(env);
  llamaGpuSetting(env);
}

function envMaxModels(env: Environment): number | undefined {
  const raw = env.MOA_LLAMACPP_MAX_MODELS?.trim();
  if (!raw) return undefined;
  return checkMaxModels(Number(raw), "MOA_LLAMACPP_MAX_MODELS", raw);
}

function checkMaxModels(value: number, name: string, raw: string = String(value)): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError([{ path: name, message: `expected a positive integer, got "${raw}"` }]);
  return value;
}
