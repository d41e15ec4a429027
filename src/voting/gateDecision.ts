import type { Consensus } from "./computeConsensus.js";
import { ConfigError } from "../errors/ConfigError.js";

/** Options of {@link gateDecision}. */
export interface GateDecisionOptions {
  consensus: Consensus;
  /** Share of answering experts that must agree to skip aggregation, in (0, 1]; 1 = unanimous. */
  threshold: number;
}

/** Whether to skip the aggregator, and why. */
export interface GateDecision {
  skip: boolean;
  confidence: number;
  threshold: number;
  /** One sentence for logs and traces. */
  reason: string;
}

/**
 * Thresholds are usually written as fractions (2/3 as 0.6666667 or 0.6666666); a tolerance far
 * below 1/n for any realistic n keeps "2 of 3 agree" from failing a 0.6666667 threshold.
 */
const EPSILON = 1e-6;

/**
 * MOSAIC's confidence gate: skip the aggregator and use the majority answer when at least
 * `threshold` of the experts that answered agree. Never skips when no expert answered or no answer
 * could be extracted (there is nothing to return).
 *
 * @example
 * const decision = gateDecision({ consensus, threshold: 2 / 3 });
 * if (decision.skip) return consensus.majority!.text;
 */
export function gateDecision({ consensus, threshold }: GateDecisionOptions): GateDecision {
  if (!(Number.isFinite(threshold) && threshold > 0 && threshold <= 1)) {
    throw new ConfigError([{ path: "threshold", message: `expected a number above 0 and at most 1, got ${threshold}` }], "gate");
  }
  const { confidence, answered, majority } = consensus;
  const decide = (skip: boolean, reason: string): GateDecision => ({ skip, confidence, threshold, reason });
  if (answered === 0) return decide(false, "no expert answered; the aggregator runs");
  if (majority === undefined) {
    return decide(false, `no answer could be extracted from the ${answered} response(s); the aggregator runs`);
  }
  const agreeing = consensus.groups[0]?.members.length ?? 0;
  const skip = confidence + EPSILON >= threshold;
  const comparison = `confidence ${confidence.toFixed(3)} ${skip ? ">=" : "<"} threshold ${threshold.toFixed(3)}`;
  const summary = `${agreeing} of ${answered} experts agree on ${quote(majority.key)} (${comparison})`;
  return decide(skip, skip ? `${summary}; skipping the aggregator` : `${summary}; the aggregator runs`);
}

function quote(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 39)}…` : key);
}
