import { z } from "zod";
import { AgentEntrySchema } from "../../../src/config/agentSchema.js";
import { resolveAgent, uniqueAgentNames, withConcurrentCalls } from "../../../src/config/resolveAgent.js";
import type { ResolvedAgent } from "../../../src/config/ResolvedAgent.js";
import type { ResolveContext, ResolvedTopologyBase } from "../../../src/graphs/types.js";

/** A chain: each agent improves the previous one's answer; the last one's answer is the reply. */
export const ChainConfigSchema = z.strictObject({
  topology: z.literal("chain"),
  name: z.string().optional(),
  agents: z.array(AgentEntrySchema).min(2, "a chain needs at least two agents"),
});
export type ChainConfig = z.output<typeof ChainConfigSchema>;

export interface ResolvedChainTopology extends ResolvedTopologyBase {
  readonly kind: "chain";
  readonly agents: ResolvedAgent[];
}

export function resolveChain(config: ChainConfig, { baseDir, source }: ResolveContext): ResolvedChainTopology {
  const names = uniqueAgentNames(config.agents);
  const last = config.agents.length - 1;
  const agents = config.agents.map((entry, i) =>
    resolveAgent(entry, {
      placement: {
        id: i === last ? "final" : `step${i + 1}`,
        name: names[i]!,
        layer: i + 1,
        index: 0,
        role: i === 0 ? "proposer" : i === last ? "final" : "refiner",
      },
      aggregationPrompt: i === 0 ? undefined : "Improve the answer below.",
      baseDir,
    }),
  );
  const resolved = withConcurrentCalls(agents.map((a) => [a])).map(([a]) => a!);
  return { kind: "chain", name: config.name ?? "chain", source, agents: resolved, requirements: resolved.map((a) => [a]), optional: [] };
}
