import path from "node:path";
import { modelCacheDir } from "../../src/models/providers/llamacpp/download/modelCacheDir.js";
import type { Environment } from "../../src/util/environment.js";

/**
 * Where downloaded benchmark files live: `MOA_DATASETS_DIR` if set, else `datasets` beside the model
 * cache in the user's cache folder (`~/.cache/langgraph-moa/datasets` on Linux).
 *
 * @example
 * datasetCacheDir({ env: { XDG_CACHE_HOME: "/c" } }); // "/c/langgraph-moa/datasets"
 */
export function datasetCacheDir({ env = process.env }: { env?: Environment } = {}): string {
  if (env.MOA_DATASETS_DIR) return path.resolve(env.MOA_DATASETS_DIR);
  return path.join(path.dirname(modelCacheDir({ env: { ...env, MOA_MODELS_DIR: undefined } })), "datasets");
}
