import type { ModelAgent } from "./ModelAgent.js";
import { isModelRef } from "./ModelRef.js";
import type { RefAgent } from "./providers/ModelProvider.js";
import { providerOf } from "./providers/registry.js";

/**
 * Parameters active per token for an agent's model: declared in the config (`activeParams`), else what
 * its provider can tell (llama.cpp reads the GGUF header), else unknown. Used for cost accounting, so
 * a composition of experts can be compared with one large model.
 *
 * @example
 * await activeParamsOf(agent); // 494032768 for a Qwen2.5-0.5B GGUF
 */
export function activeParamsOf(agent: ModelAgent): Promise<number | undefined> {
  if (agent.settings.activeParams !== undefined) return Promise.resolve(agent.settings.activeParams);
  if (!isModelRef(agent.model)) return UNKNOWN;
  return providerOf(agent.model).activeParams?.(agent as RefAgent) ?? UNKNOWN;
}

// Shared: most agents' parameter count is unknown, and this is asked on every call.
const UNKNOWN: Promise<number | undefined> = Promise.resolve(undefined);
