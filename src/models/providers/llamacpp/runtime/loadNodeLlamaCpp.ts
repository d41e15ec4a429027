import type * as NodeLlamaCppModule from "node-llama-cpp";

/** The node-llama-cpp module, loaded on first use. */
export type NodeLlamaCpp = typeof NodeLlamaCppModule;

let modulePromise: Promise<NodeLlamaCpp> | undefined;

/**
 * Imports node-llama-cpp lazily: loading its native bindings costs about 0.3 s, which every CLI run
 * and every `import "langgraph-moa"` would otherwise pay even when no GGUF model is used.
 */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  modulePromise ??= import("node-llama-cpp");
  return modulePromise;
}
