import { stat } from "node:fs/promises";
import path from "node:path";
import type { GgufFileInfo, GgufInsights } from "node-llama-cpp";
import { assertGgufHeader, GgufError } from "./ggufInfo.js";
import { getLlamaRuntime } from "./llamaInstance.js";
import { loadNodeLlamaCpp } from "./loadNodeLlamaCpp.js";
import { DEFAULT_MAX_CONTEXT_SIZE, DEFAULT_SEQUENCES } from "./runtimeConfig.js";

/** What a model plus one context of the given layout is expected to take in RAM. */
export interface LlamaMemoryEstimate {
  /** Absolute path of the GGUF file. */
  modelPath: string;
  /** Weights (memory-mapped, but every page is read during evaluation, so they count in full). */
  modelBytes: number;
  /** KV cache, logits and compute buffers of one context with `sequences` x `contextSize` tokens. */
  contextBytes: number;
  totalBytes: number;
  /** Tokens per sequence the estimate assumed. */
  contextSize: number;
  sequences: number;
  /** `"insights"`: node-llama-cpp's own estimator; `"fallback"`: file size and GGUF metadata. */
  method: "insights" | "fallback";
}

/** Options of {@link estimateLlamaMemory}. */
export interface EstimateLlamaMemoryOptions {
  modelPath: string;
  /** Tokens per sequence. Default: the training context, capped at the runtime's default of 4096. */
  contextSize?: number;
  /** Sequences in the context. Default 4, like the runtime. */
  sequences?: number;
}

interface ParsedFile {
  info: GgufFileInfo | undefined;
  fileSizeBytes: number;
}

// Parsed headers by path, size and mtime: a CLI run estimates each model several times (pre-flight
// check, then every load), and a file replaced on disk gets a fresh entry.
const parsedFiles = new Map<string, Promise<ParsedFile>>();

/**
 * Estimates the RAM a GGUF model needs for its weights plus one context of the given layout, before
 * loading it. Uses node-llama-cpp's `GgufInsights` estimator (the one it uses for its own
 * auto-sizing), and falls back to file size x 1.1 plus a KV cache computed from the GGUF metadata
 * when that fails. Reads only the file header.
 *
 * @throws {GgufError} when the path does not exist or is not a regular file.
 * @example
 * const { totalBytes } = await estimateLlamaMemory({ modelPath: "models/qwen2.5-0.5b.gguf", contextSize: 2048, sequences: 4 });
 */
export async function estimateLlamaMemory({
  modelPath,
  contextSize,
  sequences = DEFAULT_SEQUENCES,
}: EstimateLlamaMemoryOptions): Promise<LlamaMemoryEstimate> {
  const absolutePath = path.resolve(modelPath);
  const { info, fileSizeBytes } = await parseFile(absolutePath);
  const insights = info ? await insightsFor(info) : undefined;
  const trained = insights?.trainContextSize ?? info?.architectureMetadata.context_length;
  // Mirrors the runtime, which asks for `{ max: DEFAULT_MAX_CONTEXT_SIZE }` when no size is given.
  const tokens = contextSize ?? Math.min(trained && trained > 0 ? trained : DEFAULT_MAX_CONTEXT_SIZE, DEFAULT_MAX_CONTEXT_SIZE);

  if (insights) {
    try {
      // The synchronous estimators are heuristics over the header; their V2 successors may load the
      // model in a simulator, which is the very cost a pre-load check must avoid.
      const modelBytes = insights.estimateModelResourceRequirements({ gpuLayers: 0 }).cpuRam;
      const contextBytes = insights.estimateContextResourceRequirements({ contextSize: tokens, modelGpuLayers: 0, sequences }).cpuRam;
      if (Number.isFinite(modelBytes) && Number.isFinite(contextBytes) && modelBytes > 0) {
        return {
          modelPath: absolutePath,
          modelBytes,
          contextBytes,
          totalBytes: modelBytes + contextBytes,
          contextSize: tokens,
          sequences,
          method: "insights",
        };
      }
    } catch {
      // Unusual architectures can trip the estimator; the fallback below still gives a usable bound.
    }
  }
  const modelBytes = Math.ceil(fileSizeBytes * 1.1);
  const contextBytes = fallbackContextBytes(info, tokens, sequences);
  return {
    modelPath: absolutePath,
    modelBytes,
    contextBytes,
    totalBytes: modelBytes + contextBytes,
    contextSize: tokens,
    sequences,
    method: "fallback",
  };
}

async function parseFile(absolutePath: string): Promise<ParsedFile> {
  const stats = await stat(absolutePath).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GgufError(
      "not-found",
      absolutePath,
      `${code === "ENOENT" ? "GGUF file not found" : `cannot read GGUF file (${code ?? "unknown error"})`}: ${absolutePath}`,
      { cause: error },
    );
  });
  if (!stats.isFile()) throw new GgufError("not-a-file", absolutePath, `GGUF path is not a file: ${absolutePath}`);

  const key = `${absolutePath}|${stats.size}|${stats.mtimeMs}`;
  let parsed = parsedFiles.get(key);
  if (!parsed) {
    parsed = readHeader(absolutePath, stats.size);
    parsedFiles.set(key, parsed);
  }
  return parsed;
}

async function readHeader(absolutePath: string, fileSizeBytes: number): Promise<ParsedFile> {
  const { readGgufFileInfo } = await loadNodeLlamaCpp();
  try {
    // A header claiming more than the file holds would make the reader allocate without end.
    await assertGgufHeader({ filePath: absolutePath, fileSizeBytes });
    const info = await readGgufFileInfo(absolutePath, { sourceType: "filesystem", logWarnings: false });
    return { info, fileSizeBytes };
  } catch {
    // Not GGUF: loading will fail with its own message; the file size is still a fair bound.
    return { info: undefined, fileSizeBytes };
  }
}

/**
 * Insights bound to the shared runtime instance, created per estimate rather than cached: they use
 * the instance's native bindings, and `disposeAll` may have replaced it since. (Without a runtime
 * instance node-llama-cpp would create a second, backend-less one, loading the addon again.)
 */
async function insightsFor(info: GgufFileInfo): Promise<GgufInsights | undefined> {
  const { GgufInsights } = await loadNodeLlamaCpp();
  const llama = await getLlamaRuntime().catch(() => undefined);
  return GgufInsights.from(info, llama).catch(() => undefined);
}

/**
 * f16 K and V for every layer and token, plus the float32 logits buffer of one batch (vocabulary x
 * up to 512 tokens), which for small models outweighs the KV cache.
 */
function fallbackContextBytes(info: GgufFileInfo | undefined, contextSize: number, sequences: number): number {
  if (!info) return 0;
  const arch = info.architectureMetadata;
  const layers = arch.block_count ?? 0;
  const embedding = arch.embedding_length ?? 0;
  const heads = arch.attention?.head_count ?? 0;
  const kvHeadsRaw = arch.attention?.head_count_kv;
  const kvHeads = Array.isArray(kvHeadsRaw) ? Math.max(0, ...kvHeadsRaw) : (kvHeadsRaw ?? heads);
  const kvWidth = heads > 0 ? (embedding * kvHeads) / heads : embedding;
  const kvBytes = 2 * layers * contextSize * sequences * kvWidth * 2;
  const vocabulary = info.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
  const logitsBytes = vocabulary * Math.min(512, contextSize * sequences) * 4;
  return Math.ceil(kvBytes + logitsBytes);
}
