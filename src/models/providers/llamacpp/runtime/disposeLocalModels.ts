import { disposeAll } from "./llamaRuntime.js";

/**
 * Unloads every in-process llama.cpp model and frees the runtime. A function of its own (not a
 * re-export) so the root entry's type declarations do not pull in node-llama-cpp's.
 *
 * @example
 * await disposeLocalModels(); // before the process ends, after the last run
 */
export async function disposeLocalModels(): Promise<void> {
  await disposeAll();
}
