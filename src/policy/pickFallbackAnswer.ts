import type { AgentAnswer } from "../state/moaState.js";
import { lexicalSimilarity } from "../voting/lexicalSimilarity.js";

/**
 * Chooses the answer that stands in for a failed final aggregator: the one that agrees most with
 * the others (highest mean word-set similarity to the rest of the layer), ties going to the agent
 * declared first. With one or two answers that is simply the first declared.
 *
 * Why not the first or the longest: agreement with peers is the signal self-consistency and
 * MOSAIC's gate rely on, and it is what an aggregator mostly does when the answers overlap;
 * the longest answer would reward verbosity, and a small model stuck in a repetition loop writes
 * the longest answer of all. The rule is deterministic and cheap (no model call, n^2 comparisons
 * of at most 64 answers). Returns `undefined` for an empty list.
 *
 * @example
 * pickFallbackAnswer(successfulLayerAnswers(state.answers, { layer: 1, turn: 1 }))?.nodeId;
 */
export function pickFallbackAnswer(answers: readonly AgentAnswer[]): AgentAnswer | undefined {
  let best: AgentAnswer | undefined;
  let bestScore = -1;
  for (const candidate of answers) {
    const others = answers.filter((a) => a !== candidate);
    const score =
      others.length === 0
        ? 0
        : others.reduce((sum, a) => sum + lexicalSimilarity(candidate.content ?? "", a.content ?? ""), 0) / others.length;
    // Strictly greater: an equal score keeps the earlier (declared first) answer.
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
