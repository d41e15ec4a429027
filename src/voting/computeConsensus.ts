import type { AnswerExtractor } from "./AnswerExtractor.js";
import { groupAnswers } from "./groupAnswers.js";
import { ConfigError } from "../errors/ConfigError.js";

/** One expert's answer; pass only experts that answered (not failed or timed-out calls). */
export interface ExpertResponse {
  agent: string;
  text: string;
}

/** Experts that gave the same answer. */
export interface ConsensusGroup {
  /** The shared answer (see {@link AnswerGroup.key}). */
  key: string;
  /** Agent names, in input order. */
  members: string[];
  /** The first member: whose response stands for the group. */
  representative: string;
}

/** The largest group, with its representative's full response. */
export interface ConsensusMajority {
  key: string;
  representative: string;
  text: string;
}

/** What {@link computeConsensus} returns. */
export interface Consensus {
  /** Largest first; equal sizes in the order of their first member. */
  groups: ConsensusGroup[];
  /** Size of the largest group / `answered`; 0 when no response had an answer. */
  confidence: number;
  /** The first group, when there is one. */
  majority?: ConsensusMajority;
  /** Number of responses, with or without an extractable answer. */
  answered: number;
}

/** Options of {@link computeConsensus}. */
export interface ComputeConsensusOptions {
  responses: readonly ExpertResponse[];
  extractor: AnswerExtractor;
}

/**
 * How much the experts agree. Responses without an extractable answer count in the denominator of
 * `confidence` (an expert that rambled did not agree) but form no group. Ties between groups of the
 * same size go to the group whose first member comes first in `responses`, so the outcome is
 * deterministic: list experts in order of preference.
 *
 * @example
 * const consensus = await computeConsensus({
 *   responses: [{ agent: "qwen", text: "#### 42" }, { agent: "llama", text: "So 42." }, { agent: "gemma", text: "I don't know." }],
 *   extractor: createExtractor({ type: "number" }),
 * });
 * // consensus.confidence === 2 / 3, consensus.majority.key === "42", consensus.majority.representative === "qwen"
 */
export async function computeConsensus({ responses, extractor }: ComputeConsensusOptions): Promise<Consensus> {
  const seen = new Set<string>();
  for (const { agent } of responses) {
    // Members are reported by name, so two experts with one name would be indistinguishable.
    if (seen.has(agent)) {
      throw new ConfigError([{ path: "responses", message: `agent names must be unique, "${agent}" appears twice` }], "computeConsensus");
    }
    seen.add(agent);
  }
  const { groups } = await groupAnswers({ responses: responses.map((r) => r.text), extractor });
  // Groups arrive in order of their first member; a stable sort by size keeps that order for ties.
  const ranked = [...groups].sort((a, b) => b.indices.length - a.indices.length);
  const answered = responses.length;
  const consensusGroups = ranked.map(({ key, indices }) => {
    const members = indices.map((i) => responses[i]!.agent);
    return { key, members, representative: members[0]! };
  });
  const top = ranked[0];
  if (top === undefined) return { groups: [], confidence: 0, answered };
  const first = responses[top.indices[0]!]!;
  return {
    groups: consensusGroups,
    confidence: top.indices.length / answered,
    majority: { key: top.key, representative: first.agent, text: first.text },
    answered,
  };
}
