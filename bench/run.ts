// npm run bench: speed targets live here, never as timed assertions in tests.
import { benchMoAOverhead } from "./moaOverhead.js";

process.env.LANGSMITH_TRACING ??= "false";

const moa = await benchMoAOverhead();
console.log("MoA graph, 3 proposers x 2 layers + aggregator");
console.log(
  `  (a) simulated latency ${moa.latencyMs} ms: wall ${moa.wallMs.toFixed(1)} ms vs critical path ${moa.criticalPathMs} ms -> ` +
    `critical/wall = ${moa.parallelEfficiency.toFixed(3)} (goal >= 0.97)`,
);
console.log(
  `  (b) instant models: ours ${moa.oursMsPerQuery.toFixed(2)} ms/query vs bare LangGraph ${moa.bareMsPerQuery.toFixed(2)} ms/query -> ` +
    `ratio ${moa.overheadRatio.toFixed(2)}x (goal <= 1.2x)`,
);
