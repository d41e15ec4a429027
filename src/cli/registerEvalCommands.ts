import { existsSync } from "node:fs";
import { Option, type Command } from "commander";
import { evalCommand } from "../../evals/cli/evalCommand.js";
import { compareEvals } from "../../evals/report/compareEvals.js";
import { DEFAULT_FOLDER } from "../../evals/replay/evaluateRouters.js";
import { modelFromRef } from "../../evals/cli/resolveResponder.js";
import { llmPromptRouter } from "../../evals/replay/projectRouters.js";
import { defaultReplayRouters } from "../../evals/replay/replayBenchmark.js";
import { replayCommand } from "../../evals/replay/replayCommand.js";
import { BENCHMARKS, type BenchmarkName } from "../../evals/types.js";
import { UsageError } from "../errors/UsageError.js";
import { backendChoices } from "../models/chooseBackend.js";
import { evalHelp } from "./helpText.js";
import { parsePositiveInt } from "./parsePositiveInt.js";
import { withInterrupt } from "./withInterrupt.js";

function parseShare(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n >= 1)
      throw new UsageError(`${flag}: expected a share from 0 to below 1 (e.g. 0.005 for half a point), got "${value}"`);
    return n;
  };
}

/**
 * `moa eval` (a benchmark on a topology), `moa eval compare DIR...` and `moa eval replay`.
 *
 * @example
 * registerEvalCommands({ program: new Command("moa") });
 */
export function registerEvalCommands({ program }: { program: Command }): void {
  const evalProgram = program
    .command("eval")
    .enablePositionalOptions()
    .description("score a topology on MT-Bench, Arena-Hard, AlpacaEval, GSM8K or MMLU, with a cost/quality report")
    .addOption(new Option("-b, --bench <name>", "the benchmark").choices([...BENCHMARKS]))
    .option("-t, --topology <topology>", "a preset, topology kind, topology file, or a model (provider:model)")
    .option("--data <path>", "the benchmark's file, or a folder laid out like the shared datasets (default: download into the cache)")
    .option("--baseline <topology>", "arena-hard, alpaca-eval: compare with this preset, file or model instead of the recorded answers")
    .option("--judge <model>", "mt-bench, arena-hard, alpaca-eval: the judge model (e.g. ollama:qwen2.5:14b)")
    .option("-n, --limit <n>", "only the first n items", parsePositiveInt("--limit"))
    .option("-c, --concurrency <n>", "items generated at once (default 2)", parsePositiveInt("--concurrency"))
    .option("-o, --out <dir>", "the report folder (default moa-eval/<bench>-<topology>)")
    .addOption(new Option("--backend <name>", "where presets' models run").choices(backendChoices()))
    .option("--max-tokens <n>", "most tokens per answer", parsePositiveInt("--max-tokens"))
    .option("--pull", "fetch missing models without asking")
    .option("--json", "print the summary as one JSON object")
    .option("-q, --quiet", "no progress on stderr")
    .addHelpText("after", evalHelp())
    .action(
      async (flags: {
        bench?: BenchmarkName;
        topology?: string;
        data?: string;
        baseline?: string;
        judge?: string;
        limit?: number;
        concurrency?: number;
        out?: string;
        backend?: string;
        maxTokens?: number;
        pull?: boolean;
        json?: boolean;
        quiet?: boolean;
      }) => {
        if (flags.bench === undefined)
          throw new UsageError("--bench: which benchmark? expected one of " + BENCHMARKS.join(", "), {
            code: "bench_required",
            fix: "e.g. moa eval --bench gsm8k --topology moa-lite",
          });
        if (flags.topology === undefined)
          throw new UsageError("--topology: which topology to evaluate?", {
            code: "topology_required",
            fix: "give a preset (moa presets), a topology file, or a model such as ollama:qwen2.5:7b",
          });
        const { bench, topology } = flags;
        await withInterrupt((signal) => evalCommand({ ...flags, bench, topology, signal }));
      },
    );

  evalProgram
    .command("compare")
    .description("a side-by-side table of eval report folders, and a combined report")
    .argument("<dirs...>", "report folders written by moa eval (--out)")
    .option("-o, --out <dir>", "write the combined report.md and report.html here")
    .action(async (dirs: string[], flags: { out?: string }) => {
      await compareEvals({ dirs, ...(flags.out ? { out: flags.out } : {}), stdout: process.stdout });
    });

  evalProgram
    .command("replay")
    .description("router and gate curves from recorded outputs (RouteLLM's GPT-4 / Mixtral results), no model run")
    .addOption(new Option("--bench <name...>", "benchmarks to replay").choices(["gsm8k", "mmlu"]).default(["gsm8k", "mmlu"]))
    .option("--data <folder>", "a RouteLLM folder (gsm8k_responses.jsonl, mmlu/*.jsonl)")
    .option("-o, --out <dir>", "write replay.json, report.md and report.html here")
    .option("--router-model <model>", "also replay the project's LLM router with this model (one call per recorded prompt)")
    .option("--tolerance <share>", "the calibrated gate's allowed accuracy loss (default 0.005)", parseShare("--tolerance"))
    .option("--json", "print the results as JSON")
    .action(
      async (flags: {
        bench: Array<"gsm8k" | "mmlu">;
        data?: string;
        out?: string;
        tolerance?: number;
        routerModel?: string;
        json?: boolean;
      }) => {
        // In a checkout the shared recordings sit beside the repository; an installed package has none.
        const data = flags.data ?? (existsSync(DEFAULT_FOLDER) ? DEFAULT_FOLDER : undefined);
        if (data === undefined)
          throw new UsageError("--data: no RouteLLM recordings given", {
            code: "replay_data_missing",
            fix: "pass --data <folder> holding gsm8k_responses.jsonl and mmlu/*.jsonl",
          });
        const llmRouter =
          flags.routerModel === undefined
            ? []
            : [
                llmPromptRouter({
                  model: await modelFromRef({
                    ref: flags.routerModel,
                    role: "router",
                    settings: { temperature: 0 },
                    pull: false,
                    stderr: process.stderr,
                  }),
                  name: "llm",
                }),
              ];
        await replayCommand({
          benchmarks: [...new Set(flags.bench)],
          ...(llmRouter.length > 0 ? { routers: [...defaultReplayRouters(), ...llmRouter] } : {}),
          data,
          ...(flags.out ? { out: flags.out } : {}),
          ...(flags.tolerance === undefined ? {} : { tolerance: flags.tolerance }),
          json: flags.json === true,
          stdout: process.stdout,
          stderr: process.stderr,
        });
      },
    );
}
