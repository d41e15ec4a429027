import type { ModelAgent } from "./ModelAgent.js";
import { isModelRef } from "./ModelRef.js";
import type { PrepareContext, RefAgent } from "./providers/ModelProvider.js";
import { modelProviders, providerOf } from "./providers/registry.js";

/**
 * Gets a topology's models ready before the first call, so a run never stalls or fails halfway for a
 * missing model: each provider prepares its own agents (Ollama pulls missing models with `pull` or
 * after a yes; llama.cpp downloads `hf:` files with progress and refuses models that do not fit in
 * memory). Providers run one after another, in registration order, after every provider used has
 * checked the environment variables it reads.
 *
 * @example
 * await prepareModels({ agents: topology.agents, context: { pull: true, strict: false, notify: console.error, progress: () => bars, env: process.env } });
 */
export async function prepareModels({ agents, context }: { agents: readonly ModelAgent[]; context: PrepareContext }): Promise<void> {
  const byProvider = new Map<string, RefAgent[]>();
  for (const agent of new Map(agents.map((a) => [a.id, a])).values()) {
    if (!isModelRef(agent.model)) continue;
    const name = providerOf(agent.model).name;
    byProvider.set(name, [...(byProvider.get(name) ?? []), agent as RefAgent]);
  }
  const used = modelProviders().filter((provider) => byProvider.has(provider.name));
  for (const provider of used) provider.checkEnv?.(context.env);
  for (const provider of used) {
    const own = byProvider.get(provider.name);
    if (own && provider.prepare) await provider.prepare(own, context);
  }
}
