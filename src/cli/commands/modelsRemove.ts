import { modelCacheDir, removeCachedModels } from "../../models/providers/llamacpp/download/index.js";
import { UsageError } from "../../errors/UsageError.js";
import { formatBytes } from "../../util/formatBytes.js";

/** Options of `moa models rm`. */
export interface ModelsRemoveCommandOptions {
  /** Part of a cached file's name, or its `hf:` URI. */
  match?: string | undefined;
  /** Remove every cached model. */
  all?: boolean | undefined;
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa models rm <name>` / `moa models rm --all`: deletes the cached file whose name contains
 * `match` (or whose `hf:` URI is `match`), partial download included; a name that matches several
 * files is refused with the list, so a short pattern cannot empty the cache.
 *
 * @example
 * await modelsRemoveCommand({ match: "qwen2.5-0.5b" });
 */
export async function modelsRemoveCommand({ match, all = false, stdout = process.stdout }: ModelsRemoveCommandOptions): Promise<void> {
  if (!all && (match === undefined || match.trim() === ""))
    throw new UsageError("name the model to remove (part of its file name or its hf: URI), or use --all", { code: "missing_argument" });
  if (all && match !== undefined) throw new UsageError("give either a model name or --all, not both");
  const cacheDir = modelCacheDir();
  // A name that matches several files is refused (a usage error listing them), so a short pattern cannot empty the cache.
  const { removed, freedBytes } = await removeCachedModels({ cacheDir, single: true, ...(all ? { all: true } : { match: match! }) });
  if (removed.length === 0) {
    if (all) stdout.write(`the model cache ${cacheDir} is already empty\n`);
    else throw new UsageError(`no cached model matches "${match}"; see \`moa models\``);
    return;
  }
  for (const model of removed) stdout.write(`removed ${model.uri}${model.partial ? " (partial download)" : ""}\n`);
  stdout.write(`freed ${formatBytes(freedBytes)}\n`);
}
