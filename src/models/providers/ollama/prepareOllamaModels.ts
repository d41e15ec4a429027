import { ModelsNotReadyError } from "../../ModelsNotReadyError.js";
import { describeError, networkCodeOf, tlsProblemOf } from "../../describeError.js";
import type { PrepareContext } from "../ModelProvider.js";
import { missingOllamaModels } from "./missingOllamaModels.js";
import { pullOllamaModel } from "./pullOllamaModel.js";

/**
 * Pulls the models an Ollama server lacks: at once with `pull`, after a yes when someone can answer.
 * When neither, it does nothing: the pre-flight reports each missing model once, with its fix (and
 * `--no-check` means the user wants no such report). An unreachable server is left to the
 * pre-flight, which names the fix, unless `strict`.
 *
 * @example
 * await prepareOllamaModels(new Map([["http://127.0.0.1:11434", new Set(["llama3.2"])]]), context);
 */
export async function prepareOllamaModels(
  byServer: ReadonlyMap<string, ReadonlySet<string>>,
  { pull, confirm, progress, signal, strict }: PrepareContext,
): Promise<void> {
  if (!pull && confirm === undefined) return;
  for (const [baseUrl, names] of byServer) {
    const missing = await missingOllamaModels({ baseUrl, models: [...names] }).catch((error: unknown) => {
      if (!strict || signal?.aborted) return [];
      // Only a server that was not reached needs starting: after a TLS failure or an answer that is
      // not Ollama's, "start it" would send the user looking for the wrong problem.
      const why = tlsProblemOf(error)
        ? `Ollama at ${baseUrl} failed: ${describeError(error)}`
        : networkCodeOf(error)
          ? `Ollama at ${baseUrl} is not reachable (${describeError(error)}); start it (\`ollama serve\`) or set OLLAMA_HOST`
          : `${describeError(error)}; check that OLLAMA_HOST points at an Ollama server`;
      throw new ModelsNotReadyError(why, { cause: error });
    });
    if (missing.length === 0) continue;
    const them = missing.length > 1 ? "them" : "it";
    const go =
      pull || (confirm !== undefined && (await confirm(`Ollama at ${baseUrl} is missing ${missing.join(", ")}. Pull ${them} now? [Y/n] `)));
    if (!go) continue;
    const bars = progress(missing);
    try {
      for (const model of missing)
        await pullOllamaModel({ baseUrl, model, onProgress: (p) => bars.update(p), ...(signal ? { signal } : {}) });
    } finally {
      bars.done();
    }
  }
}
