import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { consensusPerItem, gateRows, resolveExtractor, type GateRecord, type ItemConsensus } from "./replayGate.js";
import type { AnswerExtractor } from "../../src/voting/AnswerExtractor.js";
import type { CalibratedGate } from "./types.js";

/** 0.5, 0.55, ..., 1: every share a user would write; below 0.5 a minority could skip the aggregator. */
export const DEFAULT_CALIBRATION_THRESHOLDS = Array.from({ length: 11 }, (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100);

/** Accuracies are ratios of counts; this keeps "exactly at the tolerance" from failing on rounding. */
const EPSILON = 1e-9;

/**
 * Splits `0..n-1` into a calibration half (the first ⌊n/2⌋ of a seeded Fisher–Yates shuffle) and a
 * held-out half (the rest), so the same seed gives the same split on every machine.
 *
 * @example
 * const { calibration, heldOut } = seededSplit({ n: 5, seed: 1 }); // 2 and 3 indices
 */
export function seededSplit({ n, seed }: { n: number; seed: number }): { calibration: number[]; heldOut: number[] } {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = xoroshiro128plus(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const half = Math.floor(n / 2);
  return { calibration: order.slice(0, half), heldOut: order.slice(half) };
}

interface Candidate {
  threshold: number;
  extractor: string;
  items: ItemConsensus[];
  skipRate: number;
  accuracy: number;
}

/**
 * Calibrates MOSAIC's gate the way a user would: on a calibration half of the items (seeded shuffle),
 * take the LOWEST threshold (the most skipping) whose gated accuracy stays within `tolerance` of always
 * aggregating, trying every extractor; equal thresholds go to the extractor that skips more, then to the
 * one listed first. Then report the choice on the held-out half, which played no part in it. When no
 * candidate is within the tolerance, the most accurate one is taken and `withinTolerance` is false.
 *
 * @example
 * const calibrated = await calibrateGate({ records: await readGateRecords({}), tolerance: 0.005, seed: 1 });
 * console.log(calibrated.threshold, calibrated.heldOut.skipRate, calibrated.heldOut.accuracy);
 */
export async function calibrateGate({
  records,
  extractors = ["number"],
  thresholds = DEFAULT_CALIBRATION_THRESHOLDS,
  tolerance = 0.005,
  seed = 1,
  experts,
}: {
  records: readonly GateRecord[];
  /** The experts in order of preference (see `replayGate`). */
  experts?: readonly string[];
  /** Extractor names (see `GATE_EXTRACTORS`) or objects to choose among. */
  extractors?: ReadonlyArray<string | AnswerExtractor>;
  /** Candidate thresholds in (0, 1]. */
  thresholds?: readonly number[];
  tolerance?: number;
  seed?: number;
}): Promise<CalibratedGate> {
  if (records.length < 2) throw new RangeError(`calibrating the gate needs at least 2 items, got ${records.length}`);
  const { calibration, heldOut } = seededSplit({ n: records.length, seed });
  const standInAccuracy = (items: readonly ItemConsensus[]) => items.filter((item) => item.standInCorrect).length / items.length;

  const candidates: Candidate[] = [];
  for (const spec of extractors) {
    const extractor = resolveExtractor({ extractor: spec });
    const items = await consensusPerItem({ records, extractor, ...(experts ? { experts } : {}) });
    const calibrationItems = calibration.map((i) => items[i]!);
    for (const row of gateRows({ items: calibrationItems, thresholds })) {
      candidates.push({ threshold: row.threshold, extractor: extractor.name, items, skipRate: row.skipRate, accuracy: row.accuracy });
    }
  }
  const first = candidates[0];
  if (!first) throw new RangeError("calibrating the gate needs at least one extractor and one threshold");

  const calibrationBaseline = standInAccuracy(calibration.map((i) => first.items[i]!));
  const admissible = candidates.filter((c) => c.accuracy + tolerance + EPSILON >= calibrationBaseline);
  // Array.prototype.sort is stable, so full ties keep the extractor order given.
  const chosen =
    admissible.length > 0
      ? [...admissible].sort((a, b) => a.threshold - b.threshold || b.skipRate - a.skipRate)[0]!
      : [...candidates].sort((a, b) => b.accuracy - a.accuracy || b.threshold - a.threshold)[0]!;

  const heldOutItems = heldOut.map((i) => chosen.items[i]!);
  const [heldOutRow] = gateRows({ items: heldOutItems, thresholds: [chosen.threshold] });
  return {
    tolerance,
    calibrationItems: calibration.length,
    heldOutItems: heldOut.length,
    threshold: chosen.threshold,
    extractor: chosen.extractor,
    calibration: { skipRate: chosen.skipRate, accuracy: chosen.accuracy, alwaysAggregateAccuracy: calibrationBaseline },
    heldOut: { skipRate: heldOutRow!.skipRate, accuracy: heldOutRow!.accuracy, alwaysAggregateAccuracy: standInAccuracy(heldOutItems) },
    withinTolerance: admissible.length > 0,
    seed,
  };
}
