// MOSAIC confidence gate on recorded GSM8K answers: how often the experts agree, and what skipping costs.
import path from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { repoRoot } from "../scripts/repoRoot.js";
import { ReplayChatModel } from "../src/testing/replay/ReplayChatModel.js";
import { readJsonl } from "../src/testing/replay/readJsonl.js";
import { computeConsensus } from "../src/voting/computeConsensus.js";
import { extractNumber, numberExtractor } from "../src/voting/extractNumber.js";
import { gateDecision } from "../src/voting/gateDecision.js";

/** The stronger model first: it stands in for the aggregator, and wins ties between single answers. */
const EXPERTS = ["gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1"] as const;
const BASELINE = EXPERTS[0];
const DEFAULT_DATASET = path.join(repoRoot(import.meta.dirname), "../shared/datasets/routellm/gsm8k_responses.jsonl");

/** Options of {@link evaluateGsm8kGate}. */
export interface Gsm8kGateOptions {
  /** Default: `../shared/datasets/routellm/gsm8k_responses.jsonl` next to the repository. */
  datasetPath?: string;
  /** Gate thresholds to evaluate. Default [1, 0.5]. */
  thresholds?: number[];
}

/** Results at one gate threshold. */
export interface GateThresholdResult {
  threshold: number;
  /** Items where the gate skipped the aggregator. */
  skipped: number;
  skipRate: number;
  /** Accuracy of the gated pipeline: the majority's answer when skipped, else the aggregator stand-in's. */
  gatedAccuracy: number;
  /** Accuracy of the majority answer on the skipped items (NaN when none). */
  skippedAccuracy: number;
  /** Accuracy of the aggregator stand-in on the items the gate sent to it (NaN when none). */
  escalatedAccuracy: number;
}

/** How our number extractor's grading compares with the dataset's own `correct` flags. */
export interface ExtractorAgreement {
  /** Share of (item, model) pairs where "extracted answer == gold" equals the dataset's flag. */
  overall: number;
  perModel: Record<string, number>;
  /** Pairs that disagree, by which side called the answer correct. */
  oursCorrectDatasetWrong: number;
  oursWrongDatasetCorrect: number;
  /** Up to 10 disagreeing pairs, for inspection. */
  examples: Array<{ id: string; model: string; extracted: string | undefined; gold: string; datasetCorrect: boolean }>;
}

/** What {@link evaluateGsm8kGate} returns. */
export interface Gsm8kGateResult {
  dataset: string;
  items: number;
  experts: string[];
  /** The model whose answer stands in for the aggregator's. */
  aggregatorStandIn: string;
  /** Accuracy of each expert alone (extracted number == gold). */
  expertAccuracy: Record<string, number>;
  /** Items where no number could be extracted, per expert. */
  noAnswer: Record<string, number>;
  /** Accuracy when the aggregator always runs (its stand-in's answer on every item). */
  alwaysAggregateAccuracy: number;
  thresholds: GateThresholdResult[];
  extractorAgreement: ExtractorAgreement;
}

interface Item {
  id: string;
  question: string;
  gold: string;
  correct: Record<string, boolean>;
}

/**
 * Replays both models' recorded GSM8K answers (all 1319 items) through the confidence gate with
 * the number extractor. The aggregator is not run: the stronger expert's answer stands in for it,
 * so the benchmark measures how often the gate saves the aggregator call and what the skipped
 * answers are worth, not how good an aggregator would be.
 *
 * @example
 * const result = await evaluateGsm8kGate();
 * console.log(result.thresholds[0].skipRate, result.thresholds[0].gatedAccuracy);
 */
export async function evaluateGsm8kGate(options: Gsm8kGateOptions = {}): Promise<Gsm8kGateResult> {
  const dataset = options.datasetPath ?? DEFAULT_DATASET;
  const thresholds = options.thresholds ?? [1, 0.5];
  const items = (await readJsonl(dataset)).map(({ value }) => toItem(value));
  const fields = { promptField: "question", responseField: "response" };
  const models = await Promise.all(EXPERTS.map((model) => ReplayChatModel.fromJsonl(dataset, { ...fields, model })));
  const extractor = numberExtractor();

  const correctCount = Object.fromEntries(EXPERTS.map((m) => [m, 0])) as Record<string, number>;
  const noAnswer = Object.fromEntries(EXPERTS.map((m) => [m, 0])) as Record<string, number>;
  const agreeCount = Object.fromEntries(EXPERTS.map((m) => [m, 0])) as Record<string, number>;
  const agreement: ExtractorAgreement = { overall: 0, perModel: {}, oursCorrectDatasetWrong: 0, oursWrongDatasetCorrect: 0, examples: [] };
  const perThreshold = thresholds.map((threshold) => ({ threshold, skipped: 0, skippedCorrect: 0, escalatedCorrect: 0, gatedCorrect: 0 }));

  for (const item of items) {
    const texts = await Promise.all(models.map(async (model) => (await model.invoke([new HumanMessage(item.question)])).text));
    const answers = texts.map((text) => extractNumber(text));
    EXPERTS.forEach((model, i) => {
      const answer = answers[i];
      const ours = answer === item.gold;
      if (answer === undefined) noAnswer[model]! += 1;
      if (ours) correctCount[model]! += 1;
      const flag = item.correct[model] ?? false;
      if (ours === flag) agreeCount[model]! += 1;
      else {
        if (ours) agreement.oursCorrectDatasetWrong++;
        else agreement.oursWrongDatasetCorrect++;
        if (agreement.examples.length < 10)
          agreement.examples.push({ id: item.id, model, extracted: answer, gold: item.gold, datasetCorrect: flag });
      }
    });

    const baselineCorrect = answers[0] === item.gold;
    const consensus = await computeConsensus({ responses: EXPERTS.map((agent, i) => ({ agent, text: texts[i]! })), extractor });
    for (const row of perThreshold) {
      const { skip } = gateDecision({ consensus, threshold: row.threshold });
      const correct = skip ? consensus.majority?.key === item.gold : baselineCorrect;
      if (skip) {
        row.skipped++;
        if (correct) row.skippedCorrect++;
      } else if (correct) row.escalatedCorrect++;
      if (correct) row.gatedCorrect++;
    }
  }

  const n = items.length;
  agreement.perModel = Object.fromEntries(EXPERTS.map((m) => [m, agreeCount[m]! / n]));
  agreement.overall = EXPERTS.reduce((sum, m) => sum + agreeCount[m]!, 0) / (n * EXPERTS.length);
  return {
    dataset,
    items: n,
    experts: [...EXPERTS],
    aggregatorStandIn: BASELINE,
    expertAccuracy: Object.fromEntries(EXPERTS.map((m) => [m, correctCount[m]! / n])),
    noAnswer,
    alwaysAggregateAccuracy: correctCount[BASELINE]! / n,
    thresholds: perThreshold.map((row) => ({
      threshold: row.threshold,
      skipped: row.skipped,
      skipRate: row.skipped / n,
      gatedAccuracy: row.gatedCorrect / n,
      skippedAccuracy: row.skipped ? row.skippedCorrect / row.skipped : Number.NaN,
      escalatedAccuracy: n - row.skipped ? row.escalatedCorrect / (n - row.skipped) : Number.NaN,
    })),
    extractorAgreement: agreement,
  };
}

function toItem(value: unknown): Item {
  const row = value as { id: string; question: string; gold_answer: string; correct: Record<string, boolean> };
  const gold = extractNumber(row.gold_answer);
  if (gold === undefined) throw new Error(`${row.id}: gold answer ${JSON.stringify(row.gold_answer)} is not a number`);
  return { id: row.id, question: row.question, gold, correct: row.correct };
}
