import type { PairwiseVerdict } from "./scoring/pairwiseVerdict.js";

/** The benchmarks `moa eval` runs. */
export const BENCHMARKS = ["mt-bench", "arena-hard", "alpaca-eval", "gsm8k", "mmlu"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** One benchmark question, whatever its source format. */
export interface EvalItem {
  /** Stable across downloads: the dataset's own id, or its line number when it has none. */
  id: string;
  category: string;
  /** The user's turns (MT-Bench has two; the others one). */
  turns: string[];
  /** Reference answers per turn, given to the judge (MT-Bench math, reasoning and coding). */
  reference?: string[];
  /** The exact-match answer: a number for GSM8K, a choice letter for MMLU. */
  gold?: string;
  /** A recorded baseline answer per turn (Arena-Hard's gpt-4-0314, AlpacaEval's gpt4_1106_preview). */
  baseline?: { model: string; turns: string[] };
}

/** What a topology did on one item: its answers and what they cost. */
export interface GeneratedAnswer {
  itemId: string;
  /** The reply per turn; empty when the item failed. */
  turns: string[];
  calls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum over calls of the called models' active parameters (0 when unknown). */
  activeParams: number;
  latencyMs: number;
  /** The category the router chose per turn, for topologies with a router. */
  routes: string[];
  /** Turns where a gate decided, and where it skipped the aggregator. */
  gateTurns: number;
  gateSkips: number;
  /** Why the item has no answer (a failed run); absent on success. */
  error?: string;
}

/** What judging one item cost: the judge's calls, kept apart from the topology's. */
export interface JudgeCost {
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

/** One pairwise game: which answer sat in position A, and the judge's verdict. */
export interface PairwiseGame {
  /** `model` when the topology's answer was shown first (A), `baseline` when second. */
  first: "model" | "baseline";
  /** The verdict with the topology's answer as A (swapped back when it was shown as B); absent when unparsable. */
  verdict?: PairwiseVerdict;
}

/** The score of one item, by the benchmark's rule. */
export interface ItemScore {
  /** GSM8K and MMLU: whether the extracted answer equals the gold one; `extracted` is what was found. */
  correct?: boolean;
  extracted?: string;
  /** MT-Bench: the judge's 1..10 rating per turn, `null` when unparsable. */
  ratings?: Array<number | null>;
  /** Arena-Hard and AlpacaEval: the two games against the baseline. */
  games?: PairwiseGame[];
  /** Arena-Hard and AlpacaEval: preference for the topology's answer, 0..1 (0.5 a tie), from the games. */
  preference?: number;
  /** Lengths in characters of the topology's and the baseline's answers (for the length-controlled win rate). */
  modelLength?: number;
  baselineLength?: number;
}

/** One line of `results.jsonl`. */
export interface ItemResult {
  bench: BenchmarkName;
  topology: string;
  itemId: string;
  category: string;
  answer: GeneratedAnswer;
  score: ItemScore;
  judgeCost?: JudgeCost;
}

/** The headline quality number of a benchmark. */
export interface QualityScore {
  /** `accuracy` (GSM8K, MMLU; percent), `mt-bench` (mean rating 1..10), `bt-score` (Arena-Hard; win rate % against the baseline), `win-rate` (AlpacaEval; percent). */
  metric: "accuracy" | "mt-bench" | "bt-score" | "win-rate";
  value: number;
  /** 95% interval, where the metric has one (Arena-Hard's bootstrap). */
  interval?: [number, number];
  /** AlpacaEval: the length-controlled win rate (percent). */
  lengthControlled?: number;
  /** MT-Bench: judgements with no parsable rating (left out of the mean); pairwise: games with no verdict. */
  unparsable?: number;
  /** Items that were scored. */
  scored: number;
}

/** Per-item averages of what the topology spent. */
export interface CostSummary {
  callsPerItem: number;
  inputTokensPerItem: number;
  outputTokensPerItem: number;
  /** Active parameters per item (sum over its calls), in parameters. */
  activeParamsPerItem: number;
  latencyMsMean: number;
  latencyMsP50: number;
  latencyMsP95: number;
}

/** `summary.json` of one eval: what `report.md`, `report.html` and `moa eval compare` are made from. */
export interface EvalSummary {
  bench: BenchmarkName;
  /** The topology's name (preset or file name) and the hash its answers are stored under. */
  topology: string;
  topologyHash: string;
  /** The baseline and the judge, by model reference or name, when the benchmark uses them. */
  baseline?: string;
  judge?: string;
  items: number;
  /** Items whose generation failed (scored as wrong / lost, and counted here). */
  failed: number;
  quality: QualityScore;
  /** Quality per category (same metric and units as `quality.value`). */
  perCategory: Record<string, { items: number; value: number }>;
  cost: CostSummary;
  /** The judge's spending over the whole eval; absent when no judge ran. */
  judgeCost?: JudgeCost;
  /** Share of gated turns where the aggregator was skipped; absent when the topology has no gate. */
  gateSkipRate?: number;
  /** Share of routed turns per chosen category; absent when the topology has no router. */
  routeShares?: Record<string, number>;
  /** ISO time the summary was written. */
  createdAt: string;
}
