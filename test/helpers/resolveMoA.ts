import { loadConfig } from "../../src/graphs/loadConfig.js";
import type { MoAConfigInput, ResolvedMoATopology, ResolvedSelfMoATopology } from "../../src/graphs/moa/configuration.js";
import type { SelfMoAConfigInput } from "../../src/graphs/self-moa/configuration.js";

/** Resolves an MoA or Self-MoA config object, failing the test when it is of another kind. */
export function resolveMoA(
  config: MoAConfigInput | SelfMoAConfigInput,
  options: { baseDir?: string; source?: string } = {},
): ResolvedMoATopology | ResolvedSelfMoATopology {
  const topology = loadConfig({ config, ...options });
  if (topology.kind !== "moa" && topology.kind !== "self-moa") throw new Error(`expected an MoA topology, got ${topology.kind}`);
  return topology;
}
