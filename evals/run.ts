// npm run eval: quality on recorded outputs (no model is run); speed lives in npm run bench.
import { DEFAULT_FOLDER } from "./replay/evaluateRouters.js";
import { formatReplayResult } from "./replay/replayCommand.js";
import { replayBenchmark } from "./replay/replayBenchmark.js";

process.env.LANGSMITH_TRACING ??= "false";

console.log(`Replay of RouteLLM's recorded results in ${DEFAULT_FOLDER} (no model is run)\n`);
for (const benchmark of ["gsm8k", "mmlu"] as const) {
  const result = await replayBenchmark({ benchmark });
  process.stdout.write(formatReplayResult({ result }));
  if (result.gate?.gradingAgreement !== undefined) {
    console.log(
      `  the number extractor's grading agrees with the dataset's own on ${(100 * result.gate.gradingAgreement).toFixed(1)}% of answers`,
    );
  }
  console.log();
}
