import type { ResolvedAgent } from "../config/ResolvedAgent.js";
import type { AgentAnswer } from "../state/moaState.js";

/** The fields of an `answers` record that say which agent, where, in which turn. */
export type AgentRecordBase = Pick<AgentAnswer, "turn" | "layer" | "role" | "agent" | "agentIndex" | "nodeId" | "model">;

/**
 * Identity fields of an agent's `answers` record, in one place so every node records agents alike.
 *
 * @example
 * const answer: AgentAnswer = { ...agentRecordBase(agent, turn), error: "timed out", latencyMs: 0, startedAt };
 */
export function agentRecordBase(agent: ResolvedAgent, turn: number): AgentRecordBase {
  return {
    turn,
    layer: agent.layer,
    role: agent.role,
    agent: agent.name,
    agentIndex: agent.index,
    nodeId: agent.id,
    model: agent.modelLabel,
  };
}
