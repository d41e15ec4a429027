import os from "node:os";
import type { Llama } from "node-llama-cpp";
import { LlamaRuntimeError } from "./LlamaRuntimeError.js";
import { loadNodeLlamaCpp } from "./loadNodeLlamaCpp.js";
import { llamaGpuSetting } from "./runtimeConfig.js";

let llamaPromise: Promise<Llama> | undefined;

/**
 * The machine's usable core count: the default thread budget.
 *
 * @example
 * new ChatLlamaCppLocal({ modelPath, threads: defaultThreads() }); // every core, e.g. on a dedicated server
 */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * Threads one context asks for when the caller does not say: all cores but one (at least one).
 *
 * llama.cpp's worker threads spin for a while after each graph instead of sleeping, and between
 * tokens node-llama-cpp needs the JavaScript thread (sampling, detokenizing, LangGraph). With one
 * worker per core the spinning workers starve it: on a 2-core machine the tiny test model generated
 * 64 tokens in ~600-850 ms with 2 threads against ~90-150 ms with 1. Leaving a core free avoids
 * that on small machines and costs little on large ones. This is the ideal, not a reservation:
 * contexts evaluating at the same time share the instance's `maxThreads` budget (see createModelHandle).
 *
 * @example
 * defaultContextThreads(); // 1 on a 2-core machine, 7 on an 8-core one
 */
export function defaultContextThreads(): number {
  return Math.max(1, defaultThreads() - 1);
}

/**
 * The process-wide `Llama` instance (CPU only, prebuilt binaries only, quiet logs), created on
 * first use. node-llama-cpp allows several, but each one owns its own thread budget, so one shared
 * instance keeps concurrent models from oversubscribing the CPU.
 *
 * @example
 * const llama = await getLlamaRuntime();
 */
export function getLlamaRuntime(): Promise<Llama> {
  llamaPromise ??= loadNodeLlamaCpp()
    .then(({ getLlama, LlamaLogLevel }) =>
      withPlainNodeChildren(() =>
        getLlama({
          gpu: llamaGpuSetting(),
          // Never compile llama.cpp at runtime: that needs cmake and network and takes minutes.
          build: "never",
          logLevel: LlamaLogLevel.error,
          // The library default is max(cores, 4), which oversubscribes a 2-core machine. Every
          // context of every model draws its threads from this one budget (see createHandle).
          maxThreads: defaultThreads(),
        }),
      ),
    )
    .catch((error: unknown) => {
      llamaPromise = undefined;
      if (error instanceof Error && error.name === "NoBinaryFoundError") {
        throw new LlamaRuntimeError(
          "load_failed",
          "no usable llama.cpp binary on this machine: node-llama-cpp's prebuilt binaries failed their self-test " +
            "(see `npx node-llama-cpp inspect gpu`; MOA_LLAMACPP_GPU selects a GPU build)",
          { cause: error },
        );
      }
      throw error;
    });
  return llamaPromise;
}

// Flags that load code into a Node process (tsx, the LangGraph server's preload) and take a value.
const LOADER_FLAGS = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);

/**
 * Runs `load` with the loader flags of this process left out of `process.execArgv`. On Linux,
 * node-llama-cpp checks a prebuilt binary by forking a Node child, which inherits those flags; under
 * the LangGraph dev server they include a preload that expects the server's own arguments and
 * crashes the child, so a working binary would be reported as "no binary found".
 */
async function withPlainNodeChildren<T>(load: () => Promise<T>): Promise<T> {
  const original = process.execArgv;
  const plain: string[] = [];
  for (let i = 0; i < original.length; i++) {
    const flag = original[i]!;
    if (LOADER_FLAGS.has(flag)) i++;
    else if (![...LOADER_FLAGS].some((name) => flag.startsWith(`${name}=`))) plain.push(flag);
  }
  if (plain.length === original.length) return load();
  process.execArgv = plain;
  try {
    return await load();
  } finally {
    process.execArgv = original;
  }
}

/**
 * Forgets the shared instance (the next {@link getLlamaRuntime} creates a new one) and returns the
 * old one, if any, for the caller to dispose once its models are gone.
 *
 * @example
 * const old = detachLlamaRuntime();
 * await (await old?.catch(() => undefined))?.dispose();
 */
export function detachLlamaRuntime(): Promise<Llama> | undefined {
  const previous = llamaPromise;
  llamaPromise = undefined;
  return previous;
}
