import path from "node:path";
import { systemAvailableMemory } from "./availableMemory.js";
import { formatMemorySize } from "./byteSize.js";
import { estimateLlamaMemory } from "./estimateLlamaMemory.js";
import { memoryAdvice } from "./LlamaMemoryError.js";
import { heldContextBytes } from "./llamaRuntime.js";
import { DEFAULT_SEQUENCES, effectiveRuntimeConfig } from "./runtimeConfig.js";
import { ConfigError } from "../../../../errors/ConfigError.js";

/** One model use in a topology; the same file may appear several times (several agents). */
export interface LlamaMemoryRequest {
  modelPath: string;
  /** Tokens per sequence; default as the runtime's (training context, capped at 4096). */
  contextSize?: number;
  /** Sequences of its context; default 4, as the runtime's. */
  sequences?: number;
}

/** Options of {@link checkLlamaMemory}. */
export interface CheckLlamaMemoryOptions {
  models: readonly LlamaMemoryRequest[];
  /** Models loaded at once; default the runtime's (`MOA_LLAMACPP_MAX_MODELS`, else 4). */
  maxLoadedModels?: number;
  /** Memory to compare with; default the runtime's limit, else the system's available memory. */
  availableBytes?: number;
}

/** Verdict of {@link checkLlamaMemory}. */
export interface LlamaMemoryCheck {
  ok: boolean;
  /** Sum of the largest `maxLoadedModels` models: the most the runtime will hold at once. */
  neededBytes: number;
  /** `Infinity` when the memory guard is off (`MOA_LLAMACPP_MEMORY_LIMIT=off`). */
  availableBytes: number;
  maxLoadedModels: number;
  /** One row per distinct file (absolute path): weights plus one context per distinct layout. */
  perModel: Array<{ modelPath: string; bytes: number }>;
  /** Present when `ok` is false: what is short, and the fixes. */
  message?: string;
}

/**
 * Pre-flight memory check for a whole topology, before anything is loaded: estimates every distinct
 * GGUF file (weights once, plus a context per distinct layout, as the runtime creates them) and
 * compares the largest `maxLoadedModels` of them, which is the most the runtime keeps loaded at
 * once, with the available memory (counting what the models this process already holds would free).
 * Reads only file headers.
 *
 * @throws {GgufError} when a model file does not exist or is not a regular file.
 * @example
 * const verdict = await checkLlamaMemory({ models: [{ modelPath: "a.gguf" }, { modelPath: "b.gguf", contextSize: 8192 }] });
 * if (!verdict.ok) throw new Error(verdict.message);
 */
export async function checkLlamaMemory({ models, maxLoadedModels, availableBytes }: CheckLlamaMemoryOptions): Promise<LlamaMemoryCheck> {
  const config = effectiveRuntimeConfig();
  const cap = maxLoadedModels ?? config.maxLoadedModels;
  if (!Number.isInteger(cap) || cap < 1)
    throw new ConfigError([{ path: "maxLoadedModels", message: `expected a positive integer, got ${cap}` }]);

  const perModel = await estimateDistinct(models);
  const largest = [...perModel].sort((a, b) => b.bytes - a.bytes).slice(0, cap);
  const neededBytes = largest.reduce((sum, model) => sum + model.bytes, 0);

  let available = availableBytes;
  let source = "as given";
  if (available === undefined) {
    if (config.memoryLimitBytes !== undefined) {
      available = config.memoryLimitBytes;
      source = config.memoryLimitSource ?? "memory limit";
    } else {
      const system = await systemAvailableMemory();
      // Models this process holds would be unloaded to make room, so their contexts count too.
      const held = heldContextBytes();
      available = system.bytes + held;
      source = held > 0 ? `${system.source}, plus ${formatMemorySize(held)} held by models already loaded` : system.source;
    }
  }

  const ok = neededBytes <= available;
  const result: LlamaMemoryCheck = { ok, neededBytes, availableBytes: available, maxLoadedModels: cap, perModel };
  if (!ok) result.message = shortfallMessage({ largest, total: perModel.length, cap, neededBytes, available, source });
  return result;
}

async function estimateDistinct(models: readonly LlamaMemoryRequest[]): Promise<Array<{ modelPath: string; bytes: number }>> {
  const layoutsByPath = new Map<string, Map<string, LlamaMemoryRequest>>();
  for (const request of models) {
    const modelPath = path.resolve(request.modelPath);
    const layouts = layoutsByPath.get(modelPath) ?? new Map<string, LlamaMemoryRequest>();
    layouts.set(`${request.contextSize ?? "auto"}|${request.sequences ?? DEFAULT_SEQUENCES}`, { ...request, modelPath });
    layoutsByPath.set(modelPath, layouts);
  }
  return Promise.all(
    [...layoutsByPath].map(async ([modelPath, layouts]) => {
      const estimates = await Promise.all([...layouts.values()].map((layout) => estimateLlamaMemory(layout)));
      const contexts = estimates.reduce((sum, estimate) => sum + estimate.contextBytes, 0);
      return { modelPath, bytes: estimates[0]!.modelBytes + contexts };
    }),
  );
}

function shortfallMessage({
  largest,
  total,
  cap,
  neededBytes,
  available,
  source,
}: {
  largest: Array<{ modelPath: string; bytes: number }>;
  total: number;
  cap: number;
  neededBytes: number;
  available: number;
  source: string;
}): string {
  const which =
    total > cap
      ? `the ${cap} largest of ${total} GGUF models, loaded at once`
      : `${total} GGUF model${total > 1 ? "s" : ""} loaded at once`;
  const list = largest.map((model) => `${path.basename(model.modelPath)} ${formatMemorySize(model.bytes)}`).join(", ");
  return (
    `not enough memory for the in-process models: ${which} need about ${formatMemorySize(neededBytes)} (${list}) ` +
    `but only ${formatMemorySize(available)} is available (${source}). ${memoryAdvice()}`
  );
}
