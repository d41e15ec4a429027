import { loadConfig } from "../../src/graphs/loadConfig.js";
import { createChatModel } from "../../src/models/createChatModel.js";
import { describeMixture } from "../../src/server/mixtures/describeMixture.js";
import type { ServedMixture } from "../../src/server/mixtures/ServedMixture.js";

/** A built-in preset served under its own name, its models made the usual way (OLLAMA_HOST picks the server). */
export function servedPreset(preset: string): ServedMixture {
  const source = { preset };
  const topology = loadConfig(source);
  return { id: preset, source, topology, description: describeMixture(topology), modelFactory: createChatModel };
}
