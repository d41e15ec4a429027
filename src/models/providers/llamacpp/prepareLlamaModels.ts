import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { describeError } from "../../describeError.js";
import { ModelsNotReadyError } from "../../ModelsNotReadyError.js";
import type { TransferProgress } from "../../progress.js";
import type { PrepareContext, RefAgent } from "../ModelProvider.js";
import { formatBytes } from "../../../util/formatBytes.js";
import { ensureModelFile } from "./download/ensureModelFile.js";
import { describeDownloads, planModelDownloads } from "./download/planModelDownloads.js";
import { assertGgufHeader } from "./runtime/ggufInfo.js";
import { checkLlamaMemory } from "./runtime/checkLlamaMemory.js";
import { getLlamaRuntime } from "./runtime/llamaRuntime.js";

/**
 * Gets in-process models ready: files named by `hf:` URI that are not cached are listed first (URL,
 * destination, size and total), downloaded with `pull`, or after a yes when someone can answer, and
 * refused otherwise (a script must say `--yes`: gigabytes are not fetched unasked); an unreachable
 * server is one error listing every file and where to put it. Then the headers must be sound, the
 * runtime must start and the models must fit in memory, which is refused before anything loads,
 * saying how much is needed.
 *
 * @example
 * await prepareLlamaModels(agents, context);
 */
export async function prepareLlamaModels(agents: RefAgent[], context: PrepareContext): Promise<void> {
  await downloadModelFiles(agents, context);
  await checkRuntimeAndMemory(agents);
}

async function downloadModelFiles(agents: RefAgent[], { pull, confirm, notify, progress, signal, env }: PrepareContext): Promise<void> {
  const sources = new Map<string, string>();
  for (const { model } of agents) if (model.source) sources.set(model.model, model.source);
  if (sources.size === 0) return;
  const missing = await planModelDownloads({ sources: [...sources.values()], env });
  if (missing.length > 0) {
    const { summary, lines } = describeDownloads(missing, formatBytes);
    notify(`to download: ${summary} (cached for later runs; see \`moa models\`):`);
    for (const line of lines) notify(line);
    const them = missing.length > 1 ? "them" : "it";
    const go = pull || (confirm !== undefined && (await confirm(`Download ${them} now? [Y/n] `)));
    if (!go && confirm === undefined)
      throw new ModelsNotReadyError(`${summary} must be downloaded first; run again with --yes to download ${them}`, {
        code: "download_needs_yes",
        fix: "run again with --yes",
      });
    if (!go)
      throw new ModelsNotReadyError("the download was declined; nothing was downloaded", {
        code: "download_declined",
        fix: "run again and answer yes (or pass --yes); or run on Ollama (--backend ollama), or name GGUF files you already have in a topology file (llamacpp:/path/to/file.gguf)",
      });
  }
  const bars = progress([...sources.keys()].map((file) => path.basename(file)));
  try {
    // Cached files are checked against their manifest and any pinned sha256 (no network), reporting
    // once as "cached" (no bar for them). Missing ones download one at a time: a laptop's link is the
    // bottleneck, and each file lands complete sooner.
    const onProgress = (p: TransferProgress) => p.phase !== "cached" && bars.update(p);
    for (const source of sources.values()) await ensureModelFile({ source, onProgress, env, ...(signal ? { signal } : {}) });
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
