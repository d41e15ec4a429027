import type { SchedulingProblem } from "./types.js";

/** How much work each model has in each stage, on a worker of speed 1. */
export interface StageDemand {
  /** Expert-stage prompts of each model (queries that list it as an expert). */
  expertPrompts: number[];
  /** Aggregator-stage prompts of each model (queries it aggregates, skipped or not). */
  aggregatorPrompts: number[];
  /**
   * Expected seconds per aggregator prompt of each model on a worker of speed 1: the mean service time
   * times one minus the mean skip probability of its queries, since a skipped aggregation takes no time.
   */
  aggregatorSecondsPerPrompt: number[];
}

/** Options of {@link stageDemand}. */
export interface StageDemandOptions {
  problem: SchedulingProblem;
}

/**
 * Counts each model's prompts in the expert and the aggregator stage, and the expected cost of an
 * aggregator prompt.
 *
 * @example
 * const { expertPrompts, aggregatorPrompts } = stageDemand({ problem });
 * expertPrompts[0]; // how many queries list model 0 as an expert
 */
export function stageDemand({ problem }: StageDemandOptions): StageDemand {
  const expertPrompts = problem.models.map(() => 0);
  const aggregatorPrompts = problem.models.map(() => 0);
  const runProbability = problem.models.map(() => 0);
  for (const query of problem.queries) {
    for (const expert of query.experts) expertPrompts[expert]! += 1;
    if (query.aggregator === undefined) continue;
    aggregatorPrompts[query.aggregator]! += 1;
    runProbability[query.aggregator]! += 1 - query.skipProbability;
  }
  const aggregatorSecondsPerPrompt = problem.models.map((model, m) =>
    aggregatorPrompts[m] === 0 ? 0 : (model.meanServiceSeconds * runProbability[m]!) / aggregatorPrompts[m]!,
  );
  return { expertPrompts, aggregatorPrompts, aggregatorSecondsPerPrompt };
}
