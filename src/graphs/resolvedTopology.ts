import type { BuiltinResolvedTopology } from "./registry.js";

/**
 * Resolved topologies of kinds registered from outside the package, by kind, added by declaration
 * merging (`declare module "langgraph-moa" { interface TopologyKinds { chain: ResolvedChainTopology } }`).
 * The built-in kinds come from the registry's list.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface TopologyKinds {}

/** A validated topology with every default filled in, ready to build: one type, keyed by `kind`. */
export type ResolvedTopology = BuiltinResolvedTopology | TopologyKinds[keyof TopologyKinds];
