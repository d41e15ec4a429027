/**
 * GGUF model downloads for zero-setup first runs: `hf:` URIs, the user's model cache, resumable and
 * verified downloads, and listing/removing cached files (behind `moa models`).
 *
 * @example
 * import { ensureModelFile, listCachedModels } from "./models/download/index.js";
 * const modelPath = await ensureModelFile({ source: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf" });
 * console.log(modelPath, await listCachedModels());
 */
export {
  DownloadError,
  downloadFile,
  type DownloadFailure,
  type DownloadFileOptions,
  type DownloadManifest,
  type DownloadResult,
} from "./downloadFile.js";
export { ensureModelFile, readManifest, type EnsureModelFileOptions } from "./ensureModelFile.js";
export { listCachedModels, type CachedModel } from "./listCachedModels.js";
export { cachePathFor, modelCacheDir, type ModelCacheDirOptions } from "./modelCacheDir.js";
export {
  DEFAULT_HF_ENDPOINT,
  formatHfUri,
  HF_URI_FORM,
  ModelSourceError,
  parseHfUri,
  type HfSource,
  type ParseHfUriOptions,
} from "./parseHfUri.js";
export { DownloadLockError, withDownloadLock, type DownloadLockHolder, type DownloadLockOptions } from "./withDownloadLock.js";
export { AmbiguousModelMatchError, removeCachedModels, type RemoveCachedModelsOptions, type RemovedModels } from "./removeCachedModels.js";
