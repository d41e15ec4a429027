import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { readManifest } from "./ensureModelFile.js";
import { modelCacheDir } from "./modelCacheDir.js";
import { formatHfUri } from "./parseHfUri.js";

/** One file in the model cache. */
export interface CachedModel {
  /** Absolute path of the file on disk (the `.partial` file for an unfinished download). */
  path: string;
  /** The `hf:` URI the file was downloaded from (without a sha256 pin). */
  uri: string;
  sizeBytes: number;
  /** How the download was checked; `"none"` for partial files and files put there by hand. */
  verified: "sha256" | "size" | "none";
  /** ISO timestamp from the manifest, when there is one. */
  downloadedAt?: string;
  /** An unfinished download that a later run resumes. */
  partial: boolean;
}

const PARTIAL = ".partial";

/**
 * Every model file in the cache, unfinished downloads included (marked `partial`), sorted by URI.
 * A missing cache folder is an empty cache.
 *
 * @example
 * for (const m of await listCachedModels()) console.log(m.uri, m.sizeBytes, m.partial ? "(partial)" : m.verified);
 */
export async function listCachedModels({ cacheDir = modelCacheDir() }: { cacheDir?: string } = {}): Promise<CachedModel[]> {
  const root = path.resolve(cacheDir);
  const models: CachedModel[] = [];
  for (const name of await entriesUnder(root)) {
    const partial = name.endsWith(PARTIAL);
    const modelName = partial ? name.slice(0, -PARTIAL.length) : name;
    if (!/\.gguf$/i.test(modelName)) continue;
    // Layout is <owner>/<repo>/<revision>/<file...>; anything shallower was not put there by the downloader.
    const [owner, repo, revision, ...fileParts] = modelName.split(path.sep);
    if (!owner || !repo || !revision || fileParts.length === 0) continue;
    const file = path.join(root, name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    const model: CachedModel = {
      path: file,
      uri: formatHfUri({ owner, repo, revision, file: fileParts.join("/") }),
      sizeBytes: info.size,
      verified: "none",
      partial,
    };
    if (!partial) {
      const manifest = await readManifest(`${file}.json`);
      if (typeof manifest === "object") {
        model.verified = manifest.verified;
        if (typeof manifest.downloadedAt === "string") model.downloadedAt = manifest.downloadedAt;
      }
    }
    models.push(model);
  }
  return models.sort((a, b) => a.uri.localeCompare(b.uri) || Number(a.partial) - Number(b.partial));
}

/**
 * The files (and links) below `root`, relative to it, entering real folders only. Node's recursive
 * `readdir` follows a symlinked folder, which would list, and let `moa models rm` delete, files
 * outside the cache; a link is a leaf here, so removing it unlinks the link, never its target.
 */
async function entriesUnder(root: string, relative = ""): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, relative), { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    const name = path.join(relative, entry.name);
    if (entry.isDirectory()) names.push(...(await entriesUnder(root, name)));
    else if (entry.isFile() || entry.isSymbolicLink()) names.push(name);
  }
  return names;
}
