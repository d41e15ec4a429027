import { AmbiguousModelMatchError, listCachedModels, modelCacheDir, removeCachedModels } from "../models/download/index.js";
import { formatBytes } from "./progress/formatBytes.js";
import { UsageError } from "../errors/UsageError.js";

/** Output streams of the `moa models` commands. */
export interface ModelsCommandOutput {
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa models`: lists the GGUF files in the model cache (downloads in progress included).
 *
 * @example
 * await listModelsCommand({}); // prints one line per file, then the cache folder and total size
 */
export async function listModelsCommand({ stdout = process.stdout }: ModelsCommandOutput): Promise<void> {
  const cacheDir = modelCacheDir();
  const models = await listCachedModels({ cacheDir });
  if (models.length === 0) {
    stdout.write(`no models cached in ${cacheDir}\n(models named by hf: URI are downloaded there on first use)\n`);
    return;
  }
  const width = Math.max(...models.map((m) => m.uri.length));
  for (const model of models) {
    const state = model.partial ? "partial download" : model.verified === "sha256" ? "sha256 verified" : model.verified === "size" ? "size verified" : "unverified";
    stdout.write(`${model.uri.padEnd(width)}  ${formatBytes(model.sizeBytes).padStart(9)}  ${state}${model.downloadedAt ? `  ${model.downloadedAt.slice(0, 10)}` : ""}\n`);
  }
  const total = models.reduce((sum, m) => sum + m.sizeBytes, 0);
  stdout.write(`${models.length} file${models.length > 1 ? "s" : ""}, ${formatBytes(total)} in ${cacheDir}\n`);
}

/**
 * `moa models rm <name>` / `moa models rm --all`: deletes the cached file whose name contains
 * `match` (or whose `hf:` URI is `match`), partial download included; a name that matches several
 * files is refused with the list, so a short pattern cannot empty the cache.
 *
 * @example
 * await removeModelsCommand({ match: "qwen2.5-0.5b" });
 */
export async function removeModelsCommand({ match, all = false, stdout = process.stdout }: ModelsCommandOutput & { match?: string; all?: boolean }): Promise<void> {
  if (!all && (match === undefined || match.trim() === "")) throw new UsageError("name the model to remove (part of its file name or its hf: URI), or use --all");
  if (all && match !== undefined) throw new UsageError("give either a model name or --all, not both");
  const cacheDir = modelCacheDir();
  let result: Awaited<ReturnType<typeof removeCachedModels>>;
  try {
    result = await removeCachedModels({ cacheDir, single: true, ...(all ? { all: true } : { match: match! }) });
  } catch (error) {
    if (error instanceof AmbiguousModelMatchError) throw new UsageError(error.message);
    throw error;
  }
  const { removed, freedBytes } = result;
  if (removed.length === 0) {
    if (all) stdout.write(`the model cache ${cacheDir} is already empty\n`);
    else throw new UsageError(`no cached model matches "${match}"; see \`moa models\``);
    return;
  }
  for (const model of removed) stdout.write(`removed ${model.uri}${model.partial ? " (partial download)" : ""}\n`);
  stdout.write(`freed ${formatBytes(freedBytes)}\n`);
}
