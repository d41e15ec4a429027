// npm run eval: quality on recorded outputs (no model is run); speed lives in npm run bench.
import { evaluateGsm8kGate } from "./gsm8kGate.js";
import { evaluateRouters } from "./replay/evaluateRouters.js";

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

for (const benchmark of ["gsm8k", "mmlu"] as const) {
  const result = await evaluateRouters({ benchmark });
  console.log(
    `\nRouters on recorded ${benchmark.toUpperCase()} results (${result.items} items): strong ${result.strong.model} ${pct(result.strong.accuracy)}, weak ${result.weak.model} ${pct(result.weak.accuracy)}`,
  );
  for (const router of result.routers) {
    const share = (fraction: "20" | "50" | "80") => {
      const value = router.strongShareFor[fraction];
      return value === undefined ? "-" : pct(value);
    };
    console.log(
      `  ${router.router.padEnd(9)} APGR ${router.apgr.toFixed(3)}; strong calls for 20/50/80% of the gap: ${share("20")} / ${share("50")} / ${share("80")}`,
    );
  }
}
