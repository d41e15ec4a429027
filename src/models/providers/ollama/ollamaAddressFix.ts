import type { RefAgent } from "../ModelProvider.js";

/** How to fix the address of an Ollama server, said where the address was written. */
export interface OllamaAddressFix {
  /** Where the address came from, e.g. `OLLAMA_HOST` or `the URL after "@" in the model reference`. */
  where: string;
  /** The start of the action that corrects it, followed by the address wanted: `set OLLAMA_HOST to`... */
  pointAt: string;
}

/**
 * Where the agents' Ollama address was written, so a fix names that place: the reference's `@url`,
 * the config's `baseUrl`, or the environment (`OLLAMA_HOST`, also when nothing is set and the default
 * address is used). Telling the user to set OLLAMA_HOST for an address written in the config would
 * change nothing.
 *
 * @example
 * `start Ollama, or ${ollamaAddressFix(agents, process.env).pointAt} a running server`;
 * // start Ollama, or change the URL after "@" in the model reference (ollama:<name>@<url>) to a running server
 */
export function ollamaAddressFix(agents: readonly RefAgent[], env: NodeJS.ProcessEnv): OllamaAddressFix {
  const places = new Map<string, OllamaAddressFix>();
  for (const agent of agents) {
    const place = placeOf(agent, env);
    places.set(place.where, place);
  }
  const all = [...places.values()];
  if (all.length === 1) return all[0]!;
  const where = all.map((p) => p.where).join(" and ");
  return { where, pointAt: `point ${where} at` };
}

function placeOf(agent: RefAgent, env: NodeJS.ProcessEnv): OllamaAddressFix {
  if (agent.model.baseUrl !== undefined)
    return {
      where: 'the URL after "@" in the model reference',
      pointAt: 'change the URL after "@" in the model reference (ollama:<name>@<url>) to',
    };
  if (agent.settings?.baseUrl !== undefined) return { where: "baseUrl in the config", pointAt: "change baseUrl in the config to" };
  const variable = !env.OLLAMA_HOST && env.OLLAMA_BASE_URL ? "OLLAMA_BASE_URL" : "OLLAMA_HOST";
  return { where: variable, pointAt: `set ${variable} to` };
}
