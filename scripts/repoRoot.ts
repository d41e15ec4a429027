import { packageRoot } from "../src/util/packageRoot.js";

/**
 * The repository's root folder, found from `from` upwards, so benchmarks and evaluations find
 * `../shared` whether they run from source or compiled.
 *
 * @example
 * const tiny = path.join(repoRoot(import.meta.dirname), "../shared/models/llama-2-tiny-random.gguf");
 */
export function repoRoot(from: string): string {
  return packageRoot({ from });
}
