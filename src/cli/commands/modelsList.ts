import { listCachedModels, modelCacheDir } from "../../models/providers/llamacpp/download/index.js";
import { formatBytes } from "../../util/formatBytes.js";
import { shortModelRef } from "../shortModelRef.js";

/** Options of `moa models` (list). */
export interface ModelsListCommandOptions {
  stdout?: NodeJS.WritableStream;
}

/**
 * `moa models`: lists the GGUF files in the model cache (downloads in progress included).
 *
 * @example
 * await modelsListCommand({}); // prints one line per file, then the cache folder and total size
 */
export async function modelsListCommand({ stdout = process.stdout }: ModelsListCommandOptions): Promise<void> {
  const cacheDir = modelCacheDir();
  const models = await listCachedModels({ cacheDir });
  if (models.length === 0) {
    stdout.write(`no models cached in ${cacheDir}\n(models named by hf: URI are downloaded there on first use)\n`);
    return;
  }
  // Lines stay within 100 columns: a long hf: URI keeps its repository's end and file name.
  const uriOf = (uri: string) => shortModelRef({ ref: uri, max: 58 });
  const width = Math.max(...models.map((m) => uriOf(m.uri).length));
  for (const model of models) {
    const state = model.partial
      ? "partial download"
      : model.verified === "sha256"
        ? "sha256 verified"
        : model.verified === "size"
          ? "size verified"
          : "unverified";
    stdout.write(
      `${uriOf(model.uri).padEnd(width)}  ${formatBytes(model.sizeBytes).padStart(9)}  ${state}${model.downloadedAt ? `  ${model.downloadedAt.slice(0, 10)}` : ""}\n`,
    );
  }
  const total = models.reduce((sum, m) => sum + m.sizeBytes, 0);
  stdout.write(`${models.length} file${models.length > 1 ? "s" : ""}, ${formatBytes(total)} in ${cacheDir}\n`);
}
