import path from "node:path";
import { appCacheDir } from "../../src/models/providers/llamacpp/download/modelCacheDir.js";
import type { Environment } from "../../src/util/environment.js";

/**
 * Where downloaded benchmark files live: `MOA_DATASETS_DIR` if set, else `datasets` in the user's cache.
 *
 * @example
 * datasetCacheDir({ env: { XDG_CACHE_HOME: "/c" } }); // "/c/langgraph-moa/datasets"
 */
export function datasetCacheDir({ env = process.env }: { env?: Environment } = {}): string {
  if (env.MOA_DATASETS_DIR) return path.resolve(env.MOA_DATASETS_DIR);
  return path.join(appCacheDir({ env }), "datasets");
}

/**
 * Where `moa eval` keeps generated answers and judge verdicts for resuming and reuse:
 * `MOA_EVAL_STORE` if set, else `eval-answers` in the user's cache.
 *
 * @example
 * evalStoreDir({ env: { XDG_CACHE_HOME: "/c" } }); // "/c/langgraph-moa/eval-answers"
 */
export function evalStoreDir({ env = process.env }: { env?: Environment } = {}): string {
  if (env.MOA_EVAL_STORE) return path.resolve(env.MOA_EVAL_STORE);
  return path.join(appCacheDir({ env }), "eval-answers");
}
