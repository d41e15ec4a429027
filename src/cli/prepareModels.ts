import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import type { ResolvedAgent } from "../config/ensureConfig.js";
import type { TopologyPlan } from "../graphs/planTopology.js";
import { describeError } from "../models/describeError.js";
import type { TransferProgress } from "../models/progress.js";
import { agentEndpoint } from "../models/endpoints.js";
import { ensureModelFile } from "../models/download/index.js";
import { checkLlamaMemory, getLlamaRuntime } from "../models/llamacpp/index.js";
import { missingOllamaModels, pullOllamaModel } from "../models/ollama/index.js";
import { createProgressRenderer } from "./progress/createProgressRenderer.js";
import { ModelsNotReadyError } from "../models/ModelsNotReadyError.js";
import { RunInterruptedError } from "../errors/RunInterruptedError.js";

/** Options of {@link prepareModels}. */
export interface PrepareModelsOptions {
  plan: TopologyPlan;
  /** Pull missing Ollama models without asking. */
  pull: boolean;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
  /** Whether the user can be asked (stdin and stderr are terminals); default from the streams. */
  interactive?: boolean;
  /**
   * An unreachable Ollama server is an error here (`moa models pull`), not left to the backend
   * check that a run does next.
   */
  strict?: boolean;
}

/**
 * Gets a topology's models ready before the first call, so a run never stalls or fails halfway
 * for a missing model:
 * - Ollama models that are not pulled are pulled with `--pull` (or after a yes at a terminal),
 *   with a progress bar per model; otherwise the backend check reports them with the fix.
 * - GGUF models named by `hf:` URI are downloaded into the model cache, with progress, resumable.
 * - In-process models must fit in memory: refused before anything is loaded, saying how much is needed.
 *
 * @example
 * await prepareModels({ plan, pull: true, stderr: process.stderr });
 */
export async function prepareModels({ plan, pull, stderr, signal, interactive, strict = false }: PrepareModelsOptions): Promise<void> {
  const agents = uniqueAgents(plan);
  try {
    await pullMissingOllamaModels(agents, { pull, stderr, signal, strict, interactive: interactive ?? isInteractive(stderr) });
    await downloadGgufModels(agents, { stderr, signal });
  } catch (error) {
    // Ctrl-C is an interruption, whichever transfer it cut short.
    if (signal?.aborted || error instanceof RunInterruptedError) throw new RunInterruptedError("partial downloads are kept and resume on the next run");
    throw error;
  }
  await checkMemory(agents);
}

function uniqueAgents(plan: TopologyPlan): ResolvedAgent[] {
  return [...new Map([...plan.requirements.flat(), ...plan.optional].map((agent) => [agent.id, agent])).values()];
}

async function pullMissingOllamaModels(
  agents: ResolvedAgent[],
  { pull, stderr, signal, interactive, strict }: { pull: boolean; stderr: NodeJS.WritableStream; signal: AbortSignal | undefined; interactive: boolean; strict: boolean },
): Promise<void> {
  const byServer = new Map<string, Set<string>>();
  for (const agent of agents) {
    const endpoint = "provider" in agent.model ? agentEndpoint(agent) : undefined;
    if (endpoint?.provider !== "ollama" || !("provider" in agent.model) || agent.model.provider !== "ollama") continue;
    const names = byServer.get(endpoint.url) ?? new Set<string>();
    names.add(agent.model.model);
    byServer.set(endpoint.url, names);
  }
  for (const [baseUrl, names] of byServer) {
    // In a run, an unreachable server is the backend check's to report next, with its fix.
    const missing = await missingOllamaModels({ baseUrl, models: [...names] }).catch((error: unknown) => {
      if (!strict || signal?.aborted) return [];
      throw new ModelsNotReadyError(`Ollama at ${baseUrl} is not reachable (${describeError(error)}); start it (\`ollama serve\`) or set OLLAMA_HOST`);
    });
    if (missing.length === 0) continue;
    const go = pull || (interactive && (await ask(`Ollama at ${baseUrl} is missing ${missing.join(", ")}. Pull ${missing.length > 1 ? "them" : "it"} now? [Y/n] `, stderr)));
    if (!go) {
      if (!interactive) stderr.write(`note: ${missing.join(", ")} not pulled at ${baseUrl}; run again with --pull to pull ${missing.length > 1 ? "them" : "it"}\n`);
      continue;
    }
    const renderer = createProgressRenderer({ stream: stderr, labels: missing });
    try {
      for (const model of missing) {
        await pullOllamaModel({ baseUrl, model, onProgress: (p) => renderer.update(p), ...(signal ? { signal } : {}) });
      }
    } finally {
      renderer.done();
    }
  }
}

async function downloadGgufModels(agents: ResolvedAgent[], { stderr, signal }: { stderr: NodeJS.WritableStream; signal: AbortSignal | undefined }): Promise<void> {
  const sources = new Map<string, string>();
  for (const { model } of agents) {
    if ("provider" in model && model.provider === "llamacpp" && model.source) sources.set(model.path, model.source);
  }
  if (sources.size === 0) return;
  const missing = [...sources.keys()].filter((file) => !existsSync(file)).length;
  if (missing > 0) stderr.write(`downloading ${missing} model${missing > 1 ? "s" : ""} on first use (cached for later runs; see \`moa models\`)\n`);
  const renderer = createProgressRenderer({ stream: stderr, labels: [...sources.keys()].map((file) => path.basename(file)) });
  try {
    // Cached files are checked against their manifest and any pinned sha256 (no network); missing
    // ones download one at a time: a laptop's link is the bottleneck, and each file lands complete sooner.
    // Files already cached report once as "cached": no bar for them.
    const onProgress = (p: TransferProgress) => p.phase !== "cached" && renderer.update(p);
    for (const source of sources.values()) await ensureModelFile({ source, onProgress, ...(signal ? { signal } : {}) });
  } finally {
    renderer.done();
  }
}

async function checkMemory(agents: ResolvedAgent[]): Promise<void> {
  const models = new Map<string, { modelPath: string; contextSize?: number; sequences?: number }>();
  for (const agent of agents) {
    const { model } = agent;
    if (!("provider" in model) || model.provider !== "llamacpp" || !existsSync(model.path)) continue;
    models.set(model.path, {
      modelPath: model.path,
      ...(agent.settings.contextWindow !== undefined ? { contextSize: agent.settings.contextWindow } : {}),
      ...(agent.llamaSequences !== undefined ? { sequences: agent.llamaSequences } : {}),
    });
  }
  if (models.size === 0) return;
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

function isInteractive(stderr: NodeJS.WritableStream): boolean {
  return Boolean(process.stdin.isTTY && (stderr as NodeJS.WriteStream).isTTY);
}

async function ask(question: string, stderr: NodeJS.WritableStream): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: stderr });
  try {
    const answer = (await prompt.question(question)).trim().toLowerCase();
    return answer === "" || answer === "y" || answer === "yes";
  } catch {
    // readline rejects when the user presses Ctrl-C (or closes stdin) at the prompt.
    throw new RunInterruptedError("nothing was pulled");
  } finally {
    prompt.close();
  }
}
