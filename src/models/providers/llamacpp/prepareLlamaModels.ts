import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { describeError } from "../../describeError.js";
import { ModelsNotReadyError } from "../../ModelsNotReadyError.js";
import type { TransferProgress } from "../../progress.js";
import type { PrepareContext, RefAgent } from "../ModelProvider.js";
import { ensureModelFile } from "./download/ensureModelFile.js";
import { assertGgufHeader } from "./runtime/ggufInfo.js";
import { checkLlamaMemory } from "./runtime/checkLlamaMemory.js";
import { getLlamaRuntime } from "./runtime/llamaRuntime.js";

/**
 * Gets in-process models ready: files named by `hf:` URI are downloaded into the model cache (with
 * progress, resumable, verified), their headers must be sound, then the runtime must start and the models must fit in memory,
 * which is refused before anything loads, saying how much is needed.
 *
 * @example
 * await prepareLlamaModels(agents, context);
 */
export async function prepareLlamaModels(agents: RefAgent[], { notify, progress, signal }: PrepareContext): Promise<void> {
  await downloadModelFiles(agents, { notify, progress, signal });
  await checkRuntimeAndMemory(agents);
}

async function downloadModelFiles(
  agents: RefAgent[],
  { notify, progress, signal }: Pick<PrepareContext, "notify" | "progress" | "signal">,
): Promise<void> {
  const sources = new Map<string, string>();
  for (const { model } of agents) if (model.source) sources.set(model.model, model.source);
  if (sources.size === 0) return;
  const missing = [...sources.keys()].filter((file) => !existsSync(file)).length;
  if (missing > 0) notify(`downloading ${missing} model${missing > 1 ? "s" : ""} on first use (cached for later runs; see \`moa models\`)`);
  const bars = progress([...sources.keys()].map((file) => path.basename(file)));
  try {
    // Cached files are checked against their manifest and any pinned sha256 (no network), reporting
    // once as "cached" (no bar for them). Missing ones download one at a time: a laptop's link is the
    // bottleneck, and each file lands complete sooner.
    const onProgress = (p: TransferProgress) => p.phase !== "cached" && bars.update(p);
    for (const source of sources.values()) await ensureModelFile({ source, onProgress, ...(signal ? { signal } : {}) });
  } finally {
    bars.done();
  }
}

async function checkRuntimeAndMemory(agents: RefAgent[]): Promise<void> {
  const models = new Map<string, { modelPath: string; contextSize?: number; sequences?: number }>();
  for (const agent of agents) {
    if (!existsSync(agent.model.model)) continue;
    models.set(agent.model.model, {
      modelPath: agent.model.model,
      ...(agent.settings.contextWindow !== undefined ? { contextSize: agent.settings.contextWindow } : {}),
      ...(agent.concurrentCalls !== undefined ? { sequences: agent.concurrentCalls } : {}),
    });
  }
  if (models.size === 0) return;
  // A hostile or broken header (a shared config can name any hf: file) is refused here, naming the
  // file, before any parser allocates for it.
  for (const modelPath of models.keys()) await assertGgufHeader({ filePath: modelPath, fileSizeBytes: (await stat(modelPath)).size });
  // A runtime that cannot start (no binary for the GPU asked for) would otherwise fail every call.
  await getLlamaRuntime().catch((error: unknown) => {
    const gpu = process.env.MOA_LLAMACPP_GPU;
    throw new ModelsNotReadyError(
      `the in-process llama.cpp runtime could not start: ${describeError(error)}${gpu ? `; MOA_LLAMACPP_GPU=${gpu} asks for a GPU build this machine cannot use: unset it to run on the CPU` : ""}; or use Ollama (--backend ollama)`,
      { cause: error },
    );
  });
  const verdict = await checkLlamaMemory({ models: [...models.values()] });
  if (!verdict.ok) throw new ModelsNotReadyError(verdict.message ?? "the in-process models do not fit in memory");
}
