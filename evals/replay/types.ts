import type { RouterResult } from "./evaluateRouters.js";

/** A gate's results at one threshold on recorded answers. */
export interface GateThresholdRow {
  threshold: number;
  skipped: number;
  /** 0..1 shares and accuracies. */
  skipRate: number;
  /** Accuracy of the gated pipeline (majority answer when skipped, the aggregator stand-in's otherwise). */
  accuracy: number;
  /** Accuracy on the skipped items (NaN when none were skipped). */
  skippedAccuracy: number;
  /** Accuracy of the aggregator stand-in on the items the gate sent to it (NaN when none were). */
  escalatedAccuracy?: number;
}

/** MOSAIC's gate replayed on one benchmark's recorded answers. */
export interface GateReplay {
  experts: string[];
  /** The model whose answer stands in for the aggregator's. */
  aggregatorStandIn: string;
  /** Accuracy when the aggregator always runs. */
  alwaysAggregateAccuracy: number;
  /** The answer extractor used (`number`, `choice`). */
  extractor: string;
  thresholds: GateThresholdRow[];
  /** Share of (item, expert) answers where our grading (extracted number == gold) matches the dataset's own flags. */
  gradingAgreement?: number;
}

/** A gate whose threshold was chosen on one half of the items and measured on the other. */
export interface CalibratedGate {
  /** The largest accuracy loss against always aggregating that the calibration allowed (0..1). */
  tolerance: number;
  /** Items in the calibration and the held-out split (a seeded shuffle). */
  calibrationItems: number;
  heldOutItems: number;
  /** The chosen threshold and extractor, and why (the lowest threshold within the tolerance on the calibration split). */
  threshold: number;
  extractor: string;
  /** On the calibration split. */
  calibration: { skipRate: number; accuracy: number; alwaysAggregateAccuracy: number };
  /** On the held-out split: what a user can expect. */
  heldOut: { skipRate: number; accuracy: number; alwaysAggregateAccuracy: number };
  /** False when no candidate stayed within the tolerance on the calibration split (the most accurate was taken). */
  withinTolerance?: boolean;
  /** The seed of the shuffle that made the two splits. */
  seed?: number;
}

/** `moa eval replay` on one benchmark: routers, the gate and the calibrated gate, from recorded outputs. */
export interface ReplayResult {
  benchmark: "gsm8k" | "mmlu";
  items: number;
  strong: { model: string; accuracy: number };
  weak: { model: string; accuracy: number };
  /** Every router's curve (strong-call share against accuracy) with APGR and the shares for 20/50/80% of the gap. */
  routers: RouterResult[];
  /** The gate needs both models' answers, which only GSM8K's recording holds (MMLU's has grades only). */
  gate?: GateReplay;
  calibratedGate?: CalibratedGate;
}
