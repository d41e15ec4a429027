import { lstat, realpath, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { listCachedModels, type CachedModel } from "./listCachedModels.js";
import { modelCacheDir } from "./modelCacheDir.js";
import { formatHfUri, parseHfUri } from "./parseHfUri.js";
import { MoAError } from "../../../../errors/MoAError.js";
import { UsageError } from "../../../../errors/UsageError.js";

/** Options of {@link removeCachedModels}: give `match` or `all: true`. */
export interface RemoveCachedModelsOptions {
  /** A piece of the file name (case-insensitive) or a full `hf:` URI. */
  match?: string;
  /** Remove every cached model. */
  all?: boolean;
  /**
   * Refuse (remove nothing) when `match` names more than one file, so a short or sloppy pattern
   * cannot empty the cache; the error lists what it matched.
   */
  single?: boolean;
  cacheDir?: string;
}

/** Raised by {@link removeCachedModels} with `single` when the pattern matches several files. */
export class AmbiguousModelMatchError extends MoAError {
  readonly matches: CachedModel[];
  constructor(pattern: string, matches: CachedModel[]) {
    super(
      `"${pattern}" matches ${matches.length} cached models:\n${matches.map((m) => `  - ${m.uri}`).join("\n")}\nname one of them more precisely (its file name or hf: URI), or remove them all with --all`,
      {
        code: "ambiguous_model_match",
        category: "usage",
      },
    );
    this.name = "AmbiguousModelMatchError";
    this.matches = matches;
  }
}

/** What {@link removeCachedModels} removed. */
export interface RemovedModels {
  removed: CachedModel[];
  freedBytes: number;
}

/**
 * Deletes cached model files (with their manifests; unfinished downloads too) whose file name contains
 * `match` or whose URI is `match`, or all of them; empty folders left behind go as well.
 *
 * @example
 * const { removed, freedBytes } = await removeCachedModels({ match: "qwen2.5-0.5b" });
 * console.log(`removed ${removed.length} files, freed ${freedBytes} bytes`);
 */
export async function removeCachedModels({
  match,
  all = false,
  single = false,
  cacheDir = modelCacheDir(),
}: RemoveCachedModelsOptions): Promise<RemovedModels> {
  const pattern = match?.trim() ?? "";
  // An empty pattern would match everything; deleting it all must be asked for by name.
  if (!all && pattern === "") throw new UsageError('removeCachedModels needs a file name or hf: URI to match, or "all: true"');
  const matches = all ? () => true : matcher(pattern);
  const root = path.resolve(cacheDir);
  const removed: CachedModel[] = [];
  let freedBytes = 0;
  const chosen = (await listCachedModels({ cacheDir: root })).filter(matches);
  if (single && !all && chosen.length > 1) throw new AmbiguousModelMatchError(pattern, chosen);
  for (const model of chosen) {
    await assertInsideCache(model.path, root);
    // Unlinking a link frees nothing: its target stays where it is.
    const link = (await lstat(model.path).catch(() => undefined))?.isSymbolicLink() === true;
    await rm(model.path, { force: true });
    // A finished file's manifest, or the validator kept beside a partial one.
    await rm(`${model.path}.json`, { force: true });
    removed.push(model);
    if (!link) freedBytes += model.sizeBytes;
    await pruneEmptyFolders(path.dirname(model.path), root);
  }
  return { removed, freedBytes };
}

/**
 * Refuses to touch `file` unless its folder is really inside the cache: a folder on its way swapped
 * for a symlink (after the listing, which does not follow links) would lead the removal outside.
 */
async function assertInsideCache(file: string, root: string): Promise<void> {
  const [realRoot, realFolder] = await Promise.all([realpath(root), realpath(path.dirname(file)).catch(() => undefined)]);
  const expected = path.join(realRoot, path.relative(root, path.dirname(file)));
  if (realFolder !== expected || !(realFolder === realRoot || realFolder.startsWith(realRoot + path.sep)))
    throw new MoAError(`refusing to remove ${file}: its folder leads outside the model cache ${root} (through a symlink)`, {
      code: "outside_model_cache",
      category: "environment",
      fix: "remove the symlink inside the cache yourself",
    });
}

function matcher(pattern: string): (model: CachedModel) => boolean {
  if (/^hf:/i.test(pattern)) {
    let uri = pattern;
    try {
      // Normalise "@main" and a sha256 pin away, as the listing has neither.
      const { owner, repo, revision, file } = parseHfUri(pattern, { endpoint: "http://localhost" });
      uri = formatHfUri({ owner, repo, revision, file });
    } catch {
      /* compare as given */
    }
    return (model) => model.uri === uri;
  }
  const needle = pattern.toLowerCase();
  return (model) =>
    path
      .basename(model.path)
      .replace(/\.partial$/, "")
      .toLowerCase()
      .includes(needle);
}

async function pruneEmptyFolders(dir: string, root: string): Promise<void> {
  for (let current = dir; current.startsWith(root + path.sep); current = path.dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or gone): stop climbing
    }
  }
}
