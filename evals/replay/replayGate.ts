// MOSAIC's confidence gate replayed on recorded answers: how often the experts agree, and what skipping costs.
import path from "node:path";
import { readJsonl } from "../../src/testing/replay/readJsonl.js";
import type { AnswerExtractor } from "../../src/voting/AnswerExtractor.js";
import { computeConsensus, type Consensus } from "../../src/voting/computeConsensus.js";
import { createExtractor } from "../../src/voting/createExtractor.js";
import { extractNumber } from "../../src/voting/extractNumber.js";
import { gateDecision } from "../../src/voting/gateDecision.js";
import { DEFAULT_FOLDER, STRONG, WEAK } from "./evaluateRouters.js";
import type { GateReplay, GateThresholdRow } from "./types.js";

/**
 * The experts in the order `computeConsensus` sees them: it gives a split vote to the first expert. The
 * weak model comes first so that the stand-in for the aggregator (the strong model) does not also win
 * every split: otherwise skipping on a split would return the stand-in's own answer and look free.
 */
export const GATE_EXPERTS: readonly string[] = [WEAK, STRONG];
/** The aggregator is not recorded; the strong model's answer stands in for it. */
export const AGGREGATOR_STAND_IN = STRONG;

/**
 * Thresholds are shares of agreeing experts (see `gateDecision`). With two experts the confidence is 1
 * (they agree), 0.5 (they differ, or only one has an answer) or 0 (neither has one): 1 and 0.75 both mean
 * "skip when unanimous", 0.5 means "skip whenever an answer was extracted" (the first expert's on a split).
 */
export const DEFAULT_GATE_THRESHOLDS = [1, 0.75, 0.5];

/** Extractors the replay can be asked for by name; any `AnswerExtractor` object works too. */
export const GATE_EXTRACTORS: Readonly<Record<string, () => AnswerExtractor>> = {
  number: () => createExtractor({ type: "number" }),
  exact: () => createExtractor({ type: "exact" }),
  choice: () => createExtractor({ type: "choice" }),
  lexical: () => createExtractor({ type: "cluster", similarity: "lexical", threshold: 0.6 }),
};

/** One recorded GSM8K item with every expert's full response, graded two ways. */
export interface GateRecord {
  id: string;
  /** The gold answer in the number extractor's canonical form. */
  gold: string;
  responses: Record<string, string>;
  /** Our grading: the response's extracted number equals the gold one (what the gate replay counts). */
  correct: Record<string, boolean>;
  /** RouteLLM's grading (the last integer of the output), kept to measure how far the two agree. */
  datasetCorrect: Record<string, boolean>;
}

/** The gate's view of one item: the experts' consensus, and whether each possible answer is right. */
export interface ItemConsensus {
  consensus: Consensus;
  /** Whether the majority's representative response is correct (false when there is no majority). */
  majorityCorrect: boolean;
  /** Whether the aggregator stand-in's response is correct. */
  standInCorrect: boolean;
}

/**
 * Reads `gsm8k_responses.jsonl` and grades every response with the number extractor. Items lacking a
 * response or a grade from either expert are left out, as the gate could not be replayed on them.
 *
 * @example
 * const records = await readGateRecords({ folder: "../shared/datasets/routellm" }); // 1319 records
 */
export async function readGateRecords({ folder = DEFAULT_FOLDER }: { folder?: string } = {}): Promise<GateRecord[]> {
  const records: GateRecord[] = [];
  for (const { value } of await readJsonl(path.join(folder, "gsm8k_responses.jsonl"))) {
    const row = value as { id?: unknown; gold_answer?: unknown; response?: Record<string, unknown>; correct?: Record<string, unknown> };
    const gold = extractNumber(String(row.gold_answer));
    if (gold === undefined) throw new Error(`${String(row.id)}: gold answer ${JSON.stringify(row.gold_answer)} is not a number`);
    const responses: Record<string, string> = {};
    const correct: Record<string, boolean> = {};
    const datasetCorrect: Record<string, boolean> = {};
    for (const model of GATE_EXPERTS) {
      const text = row.response?.[model];
      const grade = row.correct?.[model];
      if (typeof text !== "string" || typeof grade !== "boolean") continue;
      responses[model] = text;
      correct[model] = extractNumber(text) === gold;
      datasetCorrect[model] = grade;
    }
    if (Object.keys(responses).length < GATE_EXPERTS.length) continue;
    records.push({ id: String(row.id), gold, responses, correct, datasetCorrect });
  }
  return records;
}

/**
 * Resolves an extractor given by name (see {@link GATE_EXTRACTORS}) or passed as an object.
 *
 * @example
 * resolveExtractor({ extractor: "number" }).name; // "number"
 */
export function resolveExtractor({ extractor }: { extractor: string | AnswerExtractor }): AnswerExtractor {
  if (typeof extractor !== "string") return extractor;
  const make = GATE_EXTRACTORS[extractor];
  if (!make) throw new RangeError(`unknown gate extractor "${extractor}"; expected one of ${Object.keys(GATE_EXTRACTORS).join(", ")}`);
  return make();
}

/**
 * The consensus of the recorded responses on every item. `computeConsensus` is called on the texts
 * directly: replaying them through a chat model would return the same texts, only slower. A skipped
 * item's answer is the majority representative's full response, graded like every response (number
 * equals gold) whatever extractor the gate used, so extractors can be compared on one scale.
 *
 * @example
 * const items = await consensusPerItem({ records, extractor: resolveExtractor({ extractor: "number" }) });
 */
export async function consensusPerItem({
  records,
  extractor,
  experts = GATE_EXPERTS,
}: {
  records: readonly GateRecord[];
  extractor: AnswerExtractor;
  /** The experts in order of preference: a split vote goes to the first (see `computeConsensus`). */
  experts?: readonly string[];
}): Promise<ItemConsensus[]> {
  const unknown = experts.filter((expert) => !GATE_EXPERTS.includes(expert));
  if (unknown.length > 0) throw new RangeError(`no recorded answers for ${unknown.join(", ")}; the experts are ${GATE_EXPERTS.join(", ")}`);
  const items: ItemConsensus[] = [];
  for (const record of records) {
    const responses = experts.map((agent) => ({ agent, text: record.responses[agent]! }));
    const consensus = await computeConsensus({ responses, extractor });
    const representative = consensus.majority?.representative;
    items.push({
      consensus,
      majorityCorrect: representative !== undefined && record.correct[representative] === true,
      standInCorrect: record.correct[AGGREGATOR_STAND_IN] === true,
    });
  }
  return items;
}

/**
 * The gated pipeline's results at each threshold on the given items (all shares 0..1).
 *
 * @example
 * gateRows({ items, thresholds: [1, 0.5] })[0].skipRate;
 */
export function gateRows({ items, thresholds }: { items: readonly ItemConsensus[]; thresholds: readonly number[] }): GateThresholdRow[] {
  return thresholds.map((threshold) => {
    let skipped = 0;
    let skippedCorrect = 0;
    let escalatedCorrect = 0;
    let correct = 0;
    for (const item of items) {
      const { skip } = gateDecision({ consensus: item.consensus, threshold });
      const right = skip ? item.majorityCorrect : item.standInCorrect;
      if (skip) {
        skipped++;
        if (right) skippedCorrect++;
      } else if (right) escalatedCorrect++;
      if (right) correct++;
    }
    const n = items.length;
    return {
      threshold,
      skipped,
      skipRate: n ? skipped / n : Number.NaN,
      accuracy: n ? correct / n : Number.NaN,
      skippedAccuracy: skipped ? skippedCorrect / skipped : Number.NaN,
      escalatedAccuracy: n - skipped ? escalatedCorrect / (n - skipped) : Number.NaN,
    };
  });
}

/**
 * How often our grading (extracted number equals gold) agrees with RouteLLM's flags, over every
 * (item, expert) pair.
 *
 * @example
 * gradingAgreement({ records }); // ≈ 0.98 on the recorded GSM8K answers
 */
export function gradingAgreement({ records }: { records: readonly GateRecord[] }): number {
  let agree = 0;
  let pairs = 0;
  for (const record of records) {
    for (const model of Object.keys(record.correct)) {
      pairs++;
      if (record.correct[model] === record.datasetCorrect[model]) agree++;
    }
  }
  return pairs ? agree / pairs : Number.NaN;
}

/**
 * Replays both models' recorded GSM8K answers through the confidence gate. The aggregator is not run:
 * the stronger expert's answer stands in for it, so this measures how often the gate saves the
 * aggregator call and what the skipped answers are worth, not how good an aggregator would be.
 *
 * @example
 * const gate = await replayGate({ extractor: "number" });
 * console.log(gate.thresholds[0].skipRate, gate.thresholds[0].accuracy, gate.alwaysAggregateAccuracy);
 */
export async function replayGate({
  records,
  folder,
  thresholds = DEFAULT_GATE_THRESHOLDS,
  extractor = "number",
  experts = GATE_EXPERTS,
}: {
  /** The experts in order of preference (ties go to the first); the strong model stands in for the aggregator either way. */
  experts?: readonly string[];
  /** Already-read records; otherwise read from `folder`. */
  records?: readonly GateRecord[];
  folder?: string;
  thresholds?: readonly number[];
  extractor?: string | AnswerExtractor;
}): Promise<GateReplay> {
  const recorded = records ?? (await readGateRecords({ ...(folder ? { folder } : {}) }));
  const resolved = resolveExtractor({ extractor });
  const items = await consensusPerItem({ records: recorded, extractor: resolved, experts });
  return {
    experts: [...experts],
    aggregatorStandIn: AGGREGATOR_STAND_IN,
    alwaysAggregateAccuracy: items.filter((item) => item.standInCorrect).length / items.length,
    extractor: resolved.name,
    thresholds: gateRows({ items, thresholds }),
    gradingAgreement: gradingAgreement({ records: recorded }),
  };
}
