import { describe, expect, it } from "vitest";
import { calibrateGate, seededSplit } from "../../../evals/replay/calibrateGate.js";
import { readGateRecords } from "../../../evals/replay/replayGate.js";
import { writeRecordedFolder, type Gsm8kRow } from "./recordedFolder.js";

// Every item a split the strong model gets right: skipping on a split (T = 0.5) returns the weak model's
// wrong answer, any threshold above 0.5 never skips. Identical items make the results split-independent.
const splitItems = (n: number): Gsm8kRow[] =>
  Array.from({ length: n }, (_, i) => ({ question: `Item ${i}?`, gold: "3", strong: "#### 3", weak: "#### 4" }));
// Both models give 5 in different words: the number extractor sees agreement, the exact one does not.
const agreeingItems = (n: number): Gsm8kRow[] =>
  Array.from({ length: n }, (_, i) => ({ question: `Item ${i}?`, gold: "5", strong: "2 + 3 = 5\n#### 5", weak: "So 5.\n#### 5" }));

describe("seededSplit", () => {
  it("puts the first half of the shuffle in calibration and the rest held out, covering every index once", () => {
    const { calibration, heldOut } = seededSplit({ n: 7, seed: 3 });
    expect(calibration).toHaveLength(3);
    expect(heldOut).toHaveLength(4);
    expect([...calibration, ...heldOut].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("gives the same split for the same seed and another for another seed", () => {
    expect(seededSplit({ n: 20, seed: 1 })).toEqual(seededSplit({ n: 20, seed: 1 }));
    expect(seededSplit({ n: 20, seed: 1 }).calibration).not.toEqual(seededSplit({ n: 20, seed: 2 }).calibration);
  });
});

describe("calibrateGate", () => {
  it("takes the lowest threshold that keeps the accuracy: 0.55 when skipping splits costs every split", async () => {
    const records = await readGateRecords({ folder: writeRecordedFolder({ gsm8k: splitItems(7) }) });
    const calibrated = await calibrateGate({ records });
    expect(calibrated).toMatchObject({
      threshold: 0.55,
      extractor: "number",
      calibrationItems: 3,
      heldOutItems: 4,
      calibration: { skipRate: 0, accuracy: 1, alwaysAggregateAccuracy: 1 },
      heldOut: { skipRate: 0, accuracy: 1, alwaysAggregateAccuracy: 1 },
      withinTolerance: true,
    });
  });

  it("skips everything when the tolerance allows losing all accuracy", async () => {
    const records = await readGateRecords({ folder: writeRecordedFolder({ gsm8k: splitItems(6) }) });
    const calibrated = await calibrateGate({ records, tolerance: 1 });
    expect(calibrated.threshold).toBe(0.5);
    expect(calibrated.heldOut).toEqual({ skipRate: 1, accuracy: 0, alwaysAggregateAccuracy: 1 });
  });

  it("prefers the extractor that skips more at the same threshold, even when listed last", async () => {
    const records = await readGateRecords({ folder: writeRecordedFolder({ gsm8k: agreeingItems(4) }) });
    const calibrated = await calibrateGate({ records, extractors: ["exact", "number"], thresholds: [1] });
    expect(calibrated.extractor).toBe("number");
    expect(calibrated.heldOut.skipRate).toBe(1);
  });

  it("reproduces its split: the same seed gives the same result on mixed items", async () => {
    const records = await readGateRecords({ folder: writeRecordedFolder({ gsm8k: [...splitItems(5), ...agreeingItems(6)] }) });
    const first = await calibrateGate({ records, seed: 7 });
    expect(await calibrateGate({ records, seed: 7 })).toEqual(first);
    expect(first.seed).toBe(7);
    expect(first.threshold).toBeGreaterThan(0.5);
    // 11 items: 5 to calibrate on, 6 held out; only the 6 agreeing items can be skipped above 0.5.
    expect(first.calibrationItems + first.heldOutItems).toBe(11);
    expect(first.calibration.skipRate * first.calibrationItems + first.heldOut.skipRate * first.heldOutItems).toBeCloseTo(6, 10);
  });

  it("refuses fewer than two items, as there would be no held-out half", async () => {
    const records = await readGateRecords({ folder: writeRecordedFolder({ gsm8k: splitItems(1) }) });
    await expect(calibrateGate({ records })).rejects.toThrow(/at least 2 items/);
  });
});
