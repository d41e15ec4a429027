import { formatMemorySize } from "./byteSize.js";
import { MoAError } from "../../../../errors/MoAError.js";

/** Constructor options of {@link LlamaMemoryError}. */
export interface LlamaMemoryErrorOptions {
  /** Absolute path of the GGUF file that could not be loaded. */
  modelPath: string;
  neededBytes: number;
  /** What the runtime could get, counting memory that unloading other models would free. */
  availableBytes: number;
  /** Part of `availableBytes` that other loaded models hold now. */
  reclaimableBytes?: number;
  /** Where `availableBytes` comes from, e.g. `"MemAvailable in /proc/meminfo"`. */
  source: string;
  /** What the estimate covers, e.g. `"weights 1.0 GB + context 200 MB for 4 x 4096 tokens"`. */
  breakdown?: string;
  /** The context, rather than the weights, is most of the need: suggest shrinking it too. */
  contextDominates?: boolean;
}

/**
 * Raised before a GGUF model (or a new context of one) is loaded when its estimated RAM exceeds what
 * is available, so the process fails with advice instead of being killed by the OOM killer or
 * swapping. The message names the file, both amounts in human units, and the fixes.
 *
 * @example
 * try {
 *   await model.invoke("Hi");
 * } catch (error) {
 *   if (error instanceof LlamaMemoryError) console.error(error.message);
 * }
 */
export class LlamaMemoryError extends MoAError {
  readonly modelPath: string;
  readonly neededBytes: number;
  readonly availableBytes: number;

  constructor({
    modelPath,
    neededBytes,
    availableBytes,
    reclaimableBytes = 0,
    source,
    breakdown,
    contextDominates = false,
  }: LlamaMemoryErrorOptions) {
    const available =
      reclaimableBytes > 0
        ? `${formatMemorySize(availableBytes)}, including ${formatMemorySize(reclaimableBytes)} held by other loaded models,`
        : formatMemorySize(availableBytes);
    super(
      `not enough memory to load GGUF model ${modelPath}: it needs about ${formatMemorySize(neededBytes)}${breakdown ? ` (${breakdown})` : ""} ` +
        `but only ${available} is available (${source}). ${memoryAdvice({ contextDominates })}`,
      { code: "insufficient_memory", category: "environment" },
    );
    this.name = "LlamaMemoryError";
    this.modelPath = modelPath;
    this.neededBytes = neededBytes;
    this.availableBytes = availableBytes;
  }
}

/**
 * The fixes for a memory shortfall, as one sentence shared by {@link LlamaMemoryError} and the
 * topology pre-flight check.
 *
 * @example
 * memoryAdvice({ contextDominates: true });
 */
export function memoryAdvice({ contextDominates = false }: { contextDominates?: boolean } = {}): string {
  const context = contextDominates ? " a smaller context (contextWindow) or fewer parallel sequences," : "";
  return (
    `Use a smaller or more quantised model (e.g. a Q4_K_M GGUF),${context} load fewer models at once ` +
    `(MOA_LLAMACPP_MAX_MODELS), or raise MOA_LLAMACPP_MEMORY_LIMIT if more memory really is available.`
  );
}
