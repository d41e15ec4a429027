// npm run bench: speed targets live here, never as timed assertions in tests.
import { benchMoAOverhead } from "./moaOverhead.js";

process.env.LANGSMITH_TRACING ??= "false";

const moa = await benchMoAOverhead();
console.log("MoA graph, 3 proposers x 2 layers + aggregator");
console.log(
  `  (a) ${moa.latencyMs} ms per call: wall ${moa.wallMs.toFixed(1)} ms vs critical path ${moa.nominalCriticalPathMs} ms -> ` +
    `critical/wall ${moa.parallelEfficiency.toFixed(3)} (goal >= 0.97)`,
);
console.log(
  `      same shape in bare LangGraph: wall ${moa.bareWallMs.toFixed(1)} ms -> ${moa.bareParallelEfficiency.toFixed(3)}; ` +
    `model calls as measured (timer lateness included): ${moa.measuredCriticalPathMs.toFixed(1)} ms`,
);
console.log(
  `  (b) instant models: ours ${moa.oursCpuMsPerQuery.toFixed(2)} ms CPU/query, bare LangGraph ${moa.bareCpuMsPerQuery.toFixed(2)} ms -> ` +
    `ratio ${moa.overheadRatio.toFixed(2)}x (goal <= 1.2x)`,
);
