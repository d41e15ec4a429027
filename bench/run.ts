// npm run bench: speed targets live here, never as timed assertions in tests (quality: npm run eval).
import { benchLlamaCppConcurrency } from "./llamacppConcurrency.js";
import { benchMoAOverhead } from "./moaOverhead.js";
import { benchQuorum } from "./quorum.js";
import { benchSoak } from "./soak.js";
import { benchStorage } from "./storage.js";
import { benchScheduling } from "./scheduling.js";
import { benchServe } from "./serve.js";

process.env.LANGSMITH_TRACING ??= "false";

const moa = await benchMoAOverhead();
console.log("MoA graph, 3 proposers x 2 layers + aggregator");
console.log(
  `  (a) ${moa.latencyMs} ms per call: wall ${moa.wallMs.toFixed(1)} ms vs critical path ${moa.nominalCriticalPathMs} ms -> ` +
    `critical/wall ${moa.parallelEfficiency.toFixed(3)} (goal: at least the bare graph's below)`,
);
console.log(
  `      same shape in bare LangGraph: wall ${moa.bareWallMs.toFixed(1)} ms -> ${moa.bareParallelEfficiency.toFixed(3)}; ` +
    `model calls as measured (timer lateness included): ${moa.measuredCriticalPathMs.toFixed(1)} ms`,
);
console.log(
  `  (b) instant models: ours ${moa.oursCpuMsPerQuery.toFixed(2)} ms CPU/query, bare LangGraph ${moa.bareCpuMsPerQuery.toFixed(2)} ms -> ` +
    `ratio ${moa.overheadRatio.toFixed(2)}x (goal <= 1.15x)`,
);

const quorum = await benchQuorum();
console.log(`\nQuorum fan-in: 3 proposers (one heavy-tailed straggler), ${quorum.queries} queries each`);
for (const mode of [quorum.waitAll, quorum.quorum]) {
  console.log(
    `  ${mode.label.padEnd(15)} p50 ${mode.p50Ms.toFixed(1)} ms, p95 ${mode.p95Ms.toFixed(1)} ms, mean ${mode.meanMs.toFixed(1)} ms`,
  );
}
console.log(
  `  p95 ratio quorum / wait-all = ${(quorum.quorum.p95Ms / quorum.waitAll.p95Ms).toFixed(2)}, p50 ratio = ${(quorum.quorum.p50Ms / quorum.waitAll.p50Ms).toFixed(2)}; ` +
    `answers aggregated per query with the quorum: ${quorum.meanAnswersWithQuorum.toFixed(2)} of 3`,
);

const soak = await benchSoak();
console.log(
  `\nSoak: ${soak.runs} MoA runs (3 proposers, minSuccessful 2), 20% of proposer calls fail (HTTP 500), 5% hang (150 ms timeout), SQLite checkpoints`,
);
console.log(
  `  completed first try ${soak.completedFirstTry}, failed and resumed ${soak.resumed} (${soak.resumes} resumes; completed after resume ${soak.completedAfterResume}, still failing after 3 resumes ${soak.failedForGood}); ` +
    `proposer calls ${soak.proposerCalls}, failed or hung ${soak.failedOrHungCalls}; saved answers called again on resume ${soak.repeatedSavedCalls}; ` +
    `threads readable afterwards ${soak.threadsReadable}/${soak.runs}; ${soak.seconds.toFixed(1)} s`,
);

const storage = await benchStorage();
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
console.log("\nRun database growth: short turns on one SQLite thread (2 proposers + aggregator)");
console.log(`  size ${storage.sizes.map((s) => `${s.turns} turns ${mb(s.bytes)}`).join(", ")} (goal: under 50 MB at 1000)`);
console.log(
  `  bytes per turn ${storage.earlyBytesPerTurn.toFixed(0)} (turns 100-500) vs ${storage.lateBytesPerTurn.toFixed(0)} (500-1000) -> ` +
    `ratio ${(storage.lateBytesPerTurn / storage.earlyBytesPerTurn).toFixed(2)} (goal: flat, about 1)`,
);
console.log(
  `  one ${mb(storage.largeQuestionBytes)} question -> ${mb(storage.largeQuestionDbBytes)} database, ` +
    `${(storage.largeQuestionDbBytes / storage.largeQuestionBytes).toFixed(2)}x the question; ${storage.seconds.toFixed(0)} s`,
);

const llama = await benchLlamaCppConcurrency();
console.log(
  `\nIn-process llama.cpp MoA (2 proposers + aggregator, tiny GGUF, ${llama.maxTokens} tokens per call, ${llama.cores} cores, medians of ${llama.repetitions})`,
);
for (const v of llama.variants) {
  console.log(
    `  ${v.label}: MoA wall ${v.moaWallMs.toFixed(0)} ms vs the same calls one after another ${v.sequentialMs.toFixed(0)} ms -> ratio ${v.ratio.toFixed(2)} ` +
      `(alone: ${Object.entries(v.perCallMs)
        .map(([id, ms]) => `${id} ${ms.toFixed(0)} ms`)
        .join(", ")})`,
  );
}

console.log("\nScheduling experts on workers (simulated; ilp solve limit 5 s)");
for (const line of await benchScheduling()) console.log(`  ${line}`);

const served = await benchServe();
console.log(
  `\nmoa serve: ${served.clients} concurrent streaming clients, 2 proposers + aggregator on a loopback Ollama double at ${served.modelLatencyMs} ms per call, SQLite checkpoints`,
);
console.log(
  `  over HTTP: ${served.server.completed} completed, p50 ${served.server.p50Ms.toFixed(0)} ms, p95 ${served.server.p95Ms.toFixed(0)} ms, ${served.server.cpuMsPerTurn.toFixed(1)} ms CPU/turn; ` +
    `in-process: p50 ${served.inProcess.p50Ms.toFixed(0)} ms, p95 ${served.inProcess.p95Ms.toFixed(0)} ms, ${served.inProcess.cpuMsPerTurn.toFixed(1)} ms CPU/turn`,
);
console.log(
  `  ratios server / in-process: p50 ${(served.server.p50Ms / served.inProcess.p50Ms).toFixed(2)}x (goal <= 1.1x), p95 ${(served.server.p95Ms / served.inProcess.p95Ms).toFixed(2)}x, ` +
    `CPU per turn ${(served.server.cpuMsPerTurn / served.inProcess.cpuMsPerTurn).toFixed(2)}x; ${served.seconds.toFixed(0)} s`,
);
