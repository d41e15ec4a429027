import { HumanMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../src/graphs/builders.js";
import { ScriptedChatModel } from "../src/testing/ScriptedChatModel.js";

/** p50/p95 of one fan-in mode. */
export interface QuorumModeResult {
  label: string;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

/** What {@link benchQuorum} returns. */
export interface QuorumBenchResult {
  queries: number;
  proposers: number;
  waitAll: QuorumModeResult;
  quorum: QuorumModeResult;
  /** Answers the aggregator received per query with the quorum (n - 1 unless stragglers were fast). */
  meanAnswersWithQuorum: number;
}

// A seeded generator, so that both modes see the same latency draws.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lognormal(random: () => number, medianMs: number, sigma: number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return medianMs * Math.exp(sigma * normal);
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function runMode(label: string, quorum: { min: number } | undefined, queries: number, seed: number) {
  const random = mulberry32(seed);
  // Two steady proposers and one straggler with a heavy tail (lognormal, sigma 1.5), an instant aggregator.
  const latencies = [lognormal(random, 8, 0.3), lognormal(random, 8, 0.3), lognormal(random, 8, 1.5)];
  const agents = latencies.map((latencyMs, i) => ({
    name: `p${i + 1}`,
    model: new ScriptedChatModel({ reply: `answer ${i}`, latencyMs }),
  }));
  const graph = buildMoAGraph({
    config: { layers: [{ agents, ...(quorum ? { quorum } : {}) }], aggregator: new ScriptedChatModel({ reply: "final" }) },
  }).compile();
  const walls: number[] = [];
  let answers = 0;
  for (let i = 0; i < queries; i++) {
    const started = performance.now();
    const state = await graph.invoke({ messages: [new HumanMessage(`question ${i}`)] });
    walls.push(performance.now() - started);
    answers += state.answers.filter((a) => a.layer === 1 && a.error === undefined).length;
  }
  const sorted = [...walls].sort((a, b) => a - b);
  const result: QuorumModeResult = {
    label,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    meanMs: walls.reduce((a, b) => a + b, 0) / walls.length,
  };
  return { result, meanAnswers: answers / queries };
}

/**
 * Tail latency of a 3-proposer layer whose third model straggles (heavy-tailed latency), waiting for
 * all proposers against a quorum of n - 1 = 2, over the same seeded latency draws.
 *
 * @example
 * const { waitAll, quorum } = await benchQuorum();
 */
export async function benchQuorum({ queries = 1000, seed = 7 } = {}): Promise<QuorumBenchResult> {
  const waitAll = await runMode("wait for all 3", undefined, queries, seed);
  const quorum = await runMode("quorum 2 of 3", { min: 2 }, queries, seed);
  return { queries, proposers: 3, waitAll: waitAll.result, quorum: quorum.result, meanAnswersWithQuorum: quorum.meanAnswers };
}
