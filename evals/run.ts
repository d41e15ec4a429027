// npm run eval: quality on recorded outputs (no model is run); speed lives in npm run bench.
import { evaluateGsm8kGate } from "./gsm8kGate.js";

process.env.LANGSMITH_TRACING ??= "false";
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const gate = await evaluateGsm8kGate();
console.log(
  `MOSAIC gate on recorded GSM8K answers (${gate.items} items; experts ${gate.experts.join(" + ")}; ${gate.aggregatorStandIn} stands in for the aggregator)`,
);
for (const [model, accuracy] of Object.entries(gate.expertAccuracy)) console.log(`  ${model} alone: ${pct(accuracy)}`);
console.log(`  always aggregate: ${pct(gate.alwaysAggregateAccuracy)}`);
for (const t of gate.thresholds) {
  console.log(
    `  T = ${t.threshold}: skip rate ${pct(t.skipRate)} (${t.skipped} aggregator calls saved), gated accuracy ${pct(t.gatedAccuracy)}, ` +
      `accuracy on skipped ${pct(t.skippedAccuracy)}, stand-in on the rest ${Number.isNaN(t.escalatedAccuracy) ? "-" : pct(t.escalatedAccuracy)}`,
  );
}
console.log(`  number extractor agrees with the dataset's own grading on ${pct(gate.extractorAgreement.overall)} of answers`);
