import { AIMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { MoAStateUpdate, AgentNodeState } from "../state/moaState.js";
import type { AnswerExtractor } from "../voting/AnswerExtractor.js";
import { computeConsensus } from "../voting/computeConsensus.js";
import { gateDecision } from "../voting/gateDecision.js";
import { currentTurn } from "../state/currentTurn.js";
import { LayerFailedError } from "./layerReferences.js";
import { streamAsReply } from "./replyTag.js";

/** Inputs for {@link createGateNode}. */
export interface GateNodeOptions {
  extractor: AnswerExtractor;
  /** Name of the extractor, recorded with each decision. */
  extractorName: string;
  threshold: number;
  /** The experts' layer number. */
  layer: number;
  /** Answers the gate needs (capped at the number of experts that ran); default 1. */
  minSuccessful?: number;
}

/**
 * MOSAIC's confidence gate. It extracts each expert's final answer, groups equal (or similar)
 * answers, and computes C = largest group / experts that answered. When C >= threshold it skips
 * the aggregator and replies with the majority's representative answer in full; otherwise the
 * aggregator runs. Either way the decision, C and the groups are recorded in `gates`.
 *
 * @example
 * graph.addNode("gate", createGateNode({ extractor: numberExtractor(), extractorName: "number", threshold: 1, layer: 1 }));
 */
export function createGateNode({ extractor, extractorName, threshold, layer, minSuccessful = 1 }: GateNodeOptions) {
  return async (state: AgentNodeState, config: LangGraphRunnableConfig): Promise<MoAStateUpdate> => {
    const turn = currentTurn(state.messages);
    const experts = state.answers
      .filter((a) => a.turn === turn && a.layer === layer && a.role === "expert" && a.stage === undefined)
      .sort((a, b) => a.agentIndex - b.agentIndex);
    const responses = experts.filter((a) => a.error === undefined && a.content).map((a) => ({ agent: a.agent, text: a.content! }));
    if (responses.length < Math.max(1, Math.min(minSuccessful, experts.length))) throw new LayerFailedError(layer, experts, minSuccessful);
    const consensus = await computeConsensus({ responses, extractor });
    const decision = gateDecision({ consensus, threshold });
    const record = {
      turn,
      extractor: extractorName,
      threshold,
      confidence: consensus.confidence,
      skipped: decision.skip,
      groups: consensus.groups.map((g) => ({ key: g.key, members: g.members })),
      ...(decision.skip && consensus.majority ? { representative: consensus.majority.representative } : {}),
      reason: decision.reason,
    };
    if (!decision.skip || !consensus.majority) return { gates: [record] };
    const reply = new AIMessage({ content: consensus.majority.text, name: consensus.majority.representative });
    return { gates: [record], messages: [await streamAsReply(reply, config)] };
  };
}
