import { ConfigError } from "../errors/ConfigError.js";

/** The topologies langgraph-moa builds, by the name used in configs, the CLI and langgraph.json. */
export const TOPOLOGY_KINDS = ["moa", "self-moa", "coe", "mosaic"] as const;
export type TopologyKind = (typeof TOPOLOGY_KINDS)[number];

/**
 * Which topology a raw config describes: its `topology` field, or `moa` when absent.
 *
 * @example
 * topologyKindOf({ topology: "self-moa", model: "ollama:qwen2.5:7b", n: 4 }); // "self-moa"
 */
export function topologyKindOf(raw: unknown, source?: string): TopologyKind {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError([{ path: "", message: "expected a mapping describing a topology" }], source);
  }
  const kind = (raw as { topology?: unknown }).topology ?? "moa";
  if (typeof kind === "string" && (TOPOLOGY_KINDS as readonly string[]).includes(kind)) return kind as TopologyKind;
  throw new ConfigError(
    [{ path: "topology", message: `unknown topology ${JSON.stringify(kind)}; expected one of ${TOPOLOGY_KINDS.map((k) => `"${k}"`).join(", ")}` }],
    source,
  );
}
