import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The repository's root folder, found from `from` upwards (the folder whose package.json is this
 * package's), so benchmarks and evaluations find `../shared` whether they run from source or compiled.
 *
 * @example
 * const tiny = path.join(repoRoot(import.meta.dirname), "../shared/models/llama-2-tiny-random.gguf");
 */
export function repoRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "langgraph-moa") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no langgraph-moa package.json above ${from}`);
  }
}
