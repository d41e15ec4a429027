import { stat } from "node:fs/promises";
import path from "node:path";
import type { GgufFileInfo } from "node-llama-cpp";
import { checkGgufHeader } from "./checkGgufHeader.js";
import { loadNodeLlamaCpp } from "./loadNodeLlamaCpp.js";
import { MoAError } from "../../../../errors/MoAError.js";

/** What we report about a GGUF file without loading it. */
export interface GgufInfo {
  /** Total weights, summed over the tensor shapes in the header. */
  parameterCount?: number;
  /** Context length the model was trained with (`<arch>.context_length`). */
  contextLength?: number;
  /** `general.architecture`, e.g. `"llama"`, `"qwen2"`. */
  architecture?: string;
  /** `general.name` as written by the converter. */
  name?: string;
  fileSizeBytes: number;
}

/** Why a GGUF file could not be read. */
export type GgufErrorReason = "not-found" | "not-a-file" | "not-gguf";

/**
 * Raised by {@link readGgufInfo}; the message always names the file.
 *
 * @example
 * try {
 *   await readGgufInfo(path);
 * } catch (error) {
 *   if (error instanceof GgufError && error.reason === "not-found") console.error(error.message);
 * }
 */
export class GgufError extends MoAError {
  readonly reason: GgufErrorReason;
  readonly filePath: string;

  constructor(reason: GgufErrorReason, filePath: string, message: string, options?: { cause?: unknown }) {
    super(message, { code: "invalid_gguf", category: "environment", cause: options?.cause });
    this.name = "GgufError";
    this.reason = reason;
    this.filePath = filePath;
  }
}

/**
 * Reads a GGUF file's header (metadata and tensor shapes only, a few kB to a few MB, never the
 * weights) and summarizes it. No llama.cpp backend or model load is involved.
 *
 * @throws {GgufError} when the path does not exist, is not a regular file, or is not GGUF (including a
 *   header whose counts or lengths do not fit in the file).
 * @example
 * const info = await readGgufInfo("models/qwen2.5-0.5b-instruct-q4_k_m.gguf");
 * console.log(info.architecture, info.parameterCount, info.contextLength);
 */
export async function readGgufInfo(filePath: string): Promise<GgufInfo> {
  const absolutePath = path.resolve(filePath);
  const fileSizeBytes = await fileSize(absolutePath);
  await assertGgufHeader({ filePath: absolutePath, fileSizeBytes });

  let info: GgufFileInfo;
  try {
    // Force the filesystem reader: otherwise a path that looks like a URL would be fetched.
    const { readGgufFileInfo } = await loadNodeLlamaCpp();
    info = await readGgufFileInfo(absolutePath, { sourceType: "filesystem", logWarnings: false });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new GgufError("not-gguf", absolutePath, `not a valid GGUF file: ${absolutePath} (${detail})`, { cause: error });
  }

  const general = info.metadata.general;
  return {
    parameterCount: countParameters(info),
    contextLength: positiveOrUndefined(info.architectureMetadata.context_length),
    architecture: general?.architecture,
    name: general?.name,
    fileSizeBytes,
  };
}

/**
 * Refuses a GGUF file whose header claims more tensors, keys, strings or array elements than the file
 * can hold, before any parser (node-llama-cpp's reader, llama.cpp's loader) allocates for them.
 *
 * @throws {GgufError} (`not-gguf`) naming the file and what its header claims.
 * @example
 * await assertGgufHeader({ filePath: "/models/m.gguf", fileSizeBytes: 24 });
 */
export async function assertGgufHeader({ filePath, fileSizeBytes }: { filePath: string; fileSizeBytes: number }): Promise<void> {
  let problem: string | undefined;
  try {
    problem = await checkGgufHeader({ filePath, fileSizeBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GgufError("not-found", filePath, `cannot read GGUF file (${code ?? "unknown error"}): ${filePath}`, { cause: error });
  }
  if (problem !== undefined) throw new GgufError("not-gguf", filePath, `not a valid GGUF file: ${filePath} (${problem})`);
}

async function fileSize(absolutePath: string): Promise<number> {
  try {
    const stats = await stat(absolutePath);
    if (!stats.isFile()) throw new GgufError("not-a-file", absolutePath, `GGUF path is not a file: ${absolutePath}`);
    return stats.size;
  } catch (error) {
    if (error instanceof GgufError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === "ENOENT" ? "GGUF file not found" : `cannot read GGUF file (${code ?? "unknown error"})`;
    throw new GgufError("not-found", absolutePath, `${what}: ${absolutePath}`, { cause: error });
  }
}

// The same sum node-llama-cpp's GgufInsights.totalParameters computes, without needing a Llama
// instance; BigInt because one tensor's product can exceed 2^53 in very large models.
function countParameters(info: GgufFileInfo): number | undefined {
  const tensors = info.fullTensorInfo ?? info.tensorInfo;
  if (!tensors || tensors.length === 0) return undefined;
  let total = 0n;
  for (const tensor of tensors) {
    let product = 1n;
    for (const dimension of tensor.dimensions) product *= BigInt(dimension);
    total += product;
  }
  return Number(total);
}

function positiveOrUndefined(value: number | undefined): number | undefined {
  return typeof value === "number" && value > 0 ? value : undefined;
}
