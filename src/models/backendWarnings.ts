import type { ModelAgent } from "./ModelAgent.js";
import { isModelRef } from "./ModelRef.js";
import type { RefAgent } from "./providers/ModelProvider.js";
import { providerOf } from "./providers/registry.js";
import type { Environment } from "../util/environment.js";

/** Options of {@link backendWarnings}. */
export interface BackendWarningsOptions {
  agents: readonly ModelAgent[];
  env?: Environment;
}

/**
 * What each agent's provider says the user should know before any request is sent (an API key that
 * would travel in the clear to another machine), one line each, without repeats. Agents given as
 * chat model instances have nothing to say.
 *
 * @example
 * for (const line of backendWarnings({ agents: topology.requirements.flat() })) console.error(`warning: ${line}`);
 */
export function backendWarnings({ agents, env = process.env }: BackendWarningsOptions): string[] {
  const lines = new Set<string>();
  for (const agent of agents) {
    if (!isModelRef(agent.model)) continue;
    const line = providerOf(agent.model).warning?.(agent as RefAgent, env);
    if (line) lines.add(line);
  }
  return [...lines];
}
