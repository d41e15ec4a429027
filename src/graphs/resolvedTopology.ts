import type { ResolvedCoETopology, ResolvedMosaicTopology } from "./experts/resolveExperts.js";
import type { ResolvedMoATopology, ResolvedSelfMoATopology } from "./moa/configuration.js";

/**
 * The resolved topologies by kind. A topology registered from outside adds its own entry by declaration
 * merging (`declare module "langgraph-moa" { interface TopologyKinds { chain: ResolvedChainTopology } }`).
 */
export interface TopologyKinds {
  moa: ResolvedMoATopology;
  "self-moa": ResolvedSelfMoATopology;
  coe: ResolvedCoETopology;
  mosaic: ResolvedMosaicTopology;
}

/** A validated topology with every default filled in, ready to build: one type, keyed by `kind`. */
export type ResolvedTopology = TopologyKinds[keyof TopologyKinds];
