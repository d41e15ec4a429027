import path from "node:path";
import { RunInterruptedError } from "../../src/errors/RunInterruptedError.js";
import { UsageError } from "../../src/errors/UsageError.js";
import { createLiveLines, type LiveLinesOutput } from "../../src/cli/progress/createLiveLines.js";
import { formatDuration } from "../../src/cli/progress/formatDuration.js";
import { userMessage } from "../../src/cli/terminalText.js";
import { redactCredentials } from "../../src/util/redactCredentials.js";
import { loadBenchmark } from "../datasets/loadBenchmark.js";
import { evalStoreDir } from "../datasets/datasetCacheDir.js";
import { generateAnswers, type GenerationProgress } from "../generate/generateAnswers.js";
import { openItemStore } from "../generate/itemStore.js";
import { forEachConcurrently } from "../generate/forEachConcurrently.js";
import { stableHash, type Responder } from "../generate/responder.js";
import { judgeModel, type JudgeModel } from "../judges/judgeModel.js";
import { scoreItem } from "../judges/scoreItem.js";
import { recordExperiment } from "../langsmith/recordExperiment.js";
import { writeEvalReport } from "../report/writeEvalReport.js";
import { formatQuality } from "../report/formatEvalValues.js";
import { summarizeEval } from "../scoring/summarizeEval.js";
import type { BenchmarkName, EvalItem, EvalSummary, GeneratedAnswer, ItemResult, ItemScore, JudgeCost } from "../types.js";
import { modelFromRef, parseSystemSpec, resolveResponder } from "./resolveResponder.js";

/** Options of `moa eval`. */
export interface EvalCommandOptions {
  bench: BenchmarkName;
  /** A preset, topology kind, topology file or model reference. */
  topology: string;
  data?: string | undefined;
  /** Arena-Hard and AlpacaEval: what the topology is compared with (default: the dataset's recorded answers). */
  baseline?: string | undefined;
  /** MT-Bench, Arena-Hard and AlpacaEval: the judge model reference. */
  judge?: string | undefined;
  limit?: number | undefined;
  concurrency?: number | undefined;
  /** The report folder; default `moa-eval/<bench>-<topology>`. */
  out?: string | undefined;
  backend?: string | undefined;
  maxTokens?: number | undefined;
  pull?: boolean | undefined;
  /** Where answers and verdicts are kept for resuming and reuse; default `MOA_EVAL_STORE`, else `<user cache>/langgraph-moa/eval-answers`. */
  storeDir?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  stdout?: NodeJS.WritableStream;
  stderr?: LiveLinesOutput & NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal | undefined;
}

const JUDGED: readonly BenchmarkName[] = ["mt-bench", "arena-hard", "alpaca-eval"];
const PAIRWISE: readonly BenchmarkName[] = ["arena-hard", "alpaca-eval"];
/** Judges grade at temperature 0 with room for their reasoning, as MT-Bench's and Arena-Hard's do. */
const JUDGE_SETTINGS = { temperature: 0, maxTokens: 2048 };
/** Bumped when the judge prompts change, so that stored verdicts of the old wording are not reused. */
const JUDGE_PROMPTS_VERSION = 1;
const LOG_EVERY_MS = 10_000;

/**
 * `moa eval`: runs a topology on a benchmark's items (resumable, reusing answers stored for the same
 * topology), scores them by the benchmark's rule (exact match, a judge's ratings, pairwise games against
 * a baseline), and writes `summary.json`, `results.jsonl`, `report.md` and `report.html`.
 *
 * @example
 * await evalCommand({ bench: "gsm8k", topology: "moa-lite", data: "../shared/datasets", limit: 20 });
 */
export async function evalCommand(options: EvalCommandOptions): Promise<EvalSummary> {
  const { bench, stdout = process.stdout, stderr = process.stderr, quiet = false, signal } = options;
  checkFlags(options);
  const note = (text: string) => {
    if (!quiet) stderr.write(`${userMessage({ text, stream: stderr })}\n`);
  };
  // A mistyped --topology or --baseline is said before any download.
  const spec = parseSystemSpec({ value: options.topology, flag: "--topology" });
  const baselineSpec = options.baseline === undefined ? undefined : parseSystemSpec({ value: options.baseline, flag: "--baseline" });
  const loaded = await loadBenchmark({ bench, data: options.data, onNote: note, ...(signal ? { signal } : {}) });
  const items = options.limit === undefined ? loaded.items : loaded.items.slice(0, options.limit);
  note(`${bench}: ${items.length} of ${loaded.items.length} items from ${loaded.source}`);

  const setup = { backend: options.backend, pull: options.pull === true, stderr, signal };
  const responder = await resolveResponder({ ...setup, spec, bench, maxTokens: options.maxTokens });
  const baselineResponder = baselineSpec
    ? await resolveResponder({ ...setup, spec: baselineSpec, bench, maxTokens: options.maxTokens })
    : undefined;
  const judge =
    options.judge === undefined
      ? undefined
      : judgeModel({
          // Reports are shared: a key or password inside the judge's base URL stays out of them.
          name: redactCredentials(options.judge),
          model: await modelFromRef({ ...setup, ref: options.judge, role: "judge", settings: JUDGE_SETTINGS }),
        });

  const storeDir = options.storeDir ?? evalStoreDir();
  const concurrency = options.concurrency ?? 2;
  const answers = await generate({ label: responder.name, items, responder, storeDir, concurrency, stderr, quiet, signal });
  const baselineAnswers = baselineResponder
    ? await generate({
        label: `baseline ${baselineResponder.name}`,
        items,
        responder: baselineResponder,
        storeDir,
        concurrency,
        stderr,
        quiet,
        signal,
      })
    : undefined;

  const results = await score({
    bench,
    items,
    answers,
    baselineAnswers,
    baselineHash: baselineResponder?.hash,
    responder,
    judge,
    storeDir,
    concurrency,
    stderr,
    quiet,
    signal,
  });
  const baselineName = PAIRWISE.includes(bench) ? (baselineResponder?.name ?? items[0]?.baseline?.model) : undefined;
  const summary = summarizeEval({
    bench,
    topology: responder.name,
    topologyHash: responder.hash,
    results,
    baseline: baselineName,
    judge: judge?.name,
  });
  const out = path.resolve(options.out ?? path.join("moa-eval", `${bench}-${responder.name.replace(/[^A-Za-z0-9._-]+/g, "_")}`));
  const written = await writeEvalReport({ dir: out, summary, results });
  const experiment = await recordExperiment({ summary, items, results });
  if (options.json)
    stdout.write(
      `${JSON.stringify({ ...summary, out, langsmith: { uploaded: experiment.uploaded, experiment: experiment.experimentName } }, null, 2)}\n`,
    );
  else {
    // Names come from the user's files and model servers: no terminal control sequence reaches the screen.
    const lines = [
      `${bench} · ${responder.name}: ${formatQuality({ quality: summary.quality })} over ${summary.items} items${summary.failed > 0 ? ` (${summary.failed} failed)` : ""}`,
      `cost per item: ${summary.cost.callsPerItem.toFixed(1)} calls, ${Math.round(summary.cost.inputTokensPerItem + summary.cost.outputTokensPerItem)} tokens, p50 ${formatDuration(summary.cost.latencyMsP50)}`,
      ...(summary.judgeCost
        ? [
            `judge ${judge?.name}: ${summary.judgeCost.calls} calls, ${summary.judgeCost.inputTokens + summary.judgeCost.outputTokens} tokens (not counted above)`,
          ]
        : []),
      `report: ${written.html}`,
      experiment.uploaded ? `LangSmith experiment: ${experiment.experimentName}` : "LangSmith: not uploaded (no LANGSMITH_API_KEY)",
      "",
    ].join("\n");
    stdout.write(userMessage({ text: lines, stream: stdout }));
  }
  const { unparsable = 0 } = summary.quality;
  if (unparsable > 0 && !quiet)
    stderr.write(
      `warning: ${unparsable} judgements had no readable ${bench === "mt-bench" ? "rating ([[n]])" : "verdict ([[A>B]] ...)"} and are left out of the score; a stronger --judge follows the format better\n`,
    );
  if (summary.failed > 0) {
    stderr.write(
      `${summary.failed} items failed (their errors are in ${written.results}); run the same command again to retry only them\n`,
    );
    process.exitCode = 1;
  }
  return summary;
}

function checkFlags({ bench, judge, baseline, concurrency }: EvalCommandOptions): void {
  if (JUDGED.includes(bench) && judge === undefined)
    throw new UsageError(`--judge: ${bench} is scored by a judge model, and none was given`, {
      code: "judge_required",
      fix: "add --judge <model>, e.g. --judge ollama:qwen2.5:7b (a strong model; its cost is reported apart)",
    });
  if (!JUDGED.includes(bench) && judge !== undefined)
    throw new UsageError(`--judge: ${bench} is scored by exact match, without a judge`, { code: "judge_unused", fix: "leave out --judge" });
  if (baseline !== undefined && !PAIRWISE.includes(bench))
    throw new UsageError(`--baseline: ${bench} is not judged against a baseline (only arena-hard and alpaca-eval are)`, {
      code: "baseline_unused",
      fix: "eval each topology on its own and compare them with `moa eval compare DIR DIR`",
    });
  if (concurrency !== undefined && (concurrency < 1 || concurrency > 64))
    throw new UsageError(`--concurrency: expected 1 to 64, got ${concurrency}`, { code: "bad_concurrency" });
}

interface StageOptions {
  items: EvalItem[];
  storeDir: string;
  concurrency: number;
  stderr: LiveLinesOutput & NodeJS.WritableStream & { isTTY?: boolean };
  quiet: boolean;
  signal?: AbortSignal | undefined;
}

async function generate({
  label,
  responder,
  ...options
}: StageOptions & { label: string; responder: Responder }): Promise<Map<string, GeneratedAnswer>> {
  const store = openItemStore<GeneratedAnswer>({ dir: options.storeDir, hash: responder.hash });
  const show = progressLine({ stderr: options.stderr, quiet: options.quiet });
  try {
    const answers = await generateAnswers({
      items: options.items,
      responder,
      store,
      concurrency: options.concurrency,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (progress) => show.update(describeProgress({ label: `generating ${label}`, progress })),
    });
    if (options.signal?.aborted) throw interrupted({ store: store.file });
    return answers;
  } finally {
    show.done();
  }
}

function interrupted({ store }: { store: string }): RunInterruptedError {
  return new RunInterruptedError(`answers made so far are kept in ${store}`, "run the same command again to go on from there");
}

async function score({
  bench,
  answers,
  baselineAnswers,
  baselineHash,
  responder,
  judge,
  ...options
}: StageOptions & {
  bench: BenchmarkName;
  answers: Map<string, GeneratedAnswer>;
  baselineAnswers: Map<string, GeneratedAnswer> | undefined;
  baselineHash: string | undefined;
  responder: Responder;
  judge: JudgeModel | undefined;
}): Promise<ItemResult[]> {
  // Verdicts are kept like answers: per (judge, answers, baseline), so an interrupted judging goes on too.
  const verdicts = judge
    ? openItemStore<{ itemId: string; score: ItemScore; judgeCost: JudgeCost }>({
        dir: path.join(options.storeDir, "verdicts"),
        hash: stableHash({
          judge: judge.name,
          responder: responder.hash,
          baseline: baselineHash ?? "recorded",
          prompts: JUDGE_PROMPTS_VERSION,
        }),
      })
    : undefined;
  const show = progressLine({ stderr: options.stderr, quiet: options.quiet });
  const results: ItemResult[] = [];
  const started = performance.now();
  let done = 0;
  const each = async (item: EvalItem, itemSignal: AbortSignal | undefined) => {
    const answer = answers.get(item.id)!;
    const stored = verdicts?.get(item.id);
    const baselineTurns = baselineAnswers ? baselineAnswers.get(item.id)?.turns : item.baseline?.turns;
    const scored =
      stored && answer.error === undefined
        ? stored
        : await scoreItem({ bench, item, answer, judge, baselineTurns, ...(itemSignal ? { signal: itemSignal } : {}) }).catch(
            (error: unknown) => {
              if (options.signal?.aborted) return undefined;
              throw error;
            },
          );
    if (!scored) return;
    if (verdicts && !stored && answer.error === undefined) verdicts.put({ itemId: item.id, ...scored });
    results.push({
      bench,
      topology: responder.name,
      itemId: item.id,
      category: item.category,
      answer,
      score: scored.score,
      ...(judge ? { judgeCost: scored.judgeCost } : {}),
    });
    done++;
    if (judge)
      show.update(`judging with ${judge.name}: ${done}/${options.items.length} items · ${formatDuration(performance.now() - started)}`);
  };
  try {
    await forEachConcurrently({ items: options.items, concurrency: options.concurrency, signal: options.signal, each });
  } finally {
    show.done();
  }
  if (options.signal?.aborted) throw interrupted({ store: verdicts?.file ?? options.storeDir });
  const order = new Map(options.items.map((item, i) => [item.id, i]));
  return results.sort((a, b) => order.get(a.itemId)! - order.get(b.itemId)!);
}

/**
 * The progress line: redrawn in place on a terminal, else a line every 10 seconds (logs stay short).
 */
function progressLine({ stderr, quiet }: { stderr: LiveLinesOutput & { isTTY?: boolean }; quiet: boolean }): {
  update(line: string): void;
  done(): void;
} {
  if (quiet) return { update() {}, done() {} };
  const live = stderr.isTTY ? createLiveLines({ stream: stderr }) : undefined;
  let last = -Infinity;
  let pending: string | undefined;
  return {
    update(line) {
      if (live) return live.draw([line]);
      pending = line;
      if (performance.now() - last < LOG_EVERY_MS) return;
      last = performance.now();
      stderr.write(`${line}\n`);
      pending = undefined;
    },
    done() {
      if (live) live.clear();
      else if (pending !== undefined) stderr.write(`${pending}\n`);
    },
  };
}

/** "generating moa-lite: 12/80 items (3 reused) · 0.40 items/s · ETA 2m 50s · 4,312 tokens · 36 calls". */
export function describeProgress({ label, progress }: { label: string; progress: GenerationProgress }): string {
  const parts = [
    `${label}: ${progress.done}/${progress.total} items${progress.reused > 0 ? ` (${progress.reused} reused)` : ""}${progress.failed > 0 ? `, ${progress.failed} failed` : ""}`,
    progress.itemsPerSecond === undefined ? undefined : `${progress.itemsPerSecond.toFixed(2)} items/s`,
    progress.etaMs === undefined ? undefined : `ETA ${formatDuration(progress.etaMs)}`,
    `${progress.tokens.toLocaleString("en-US")} tokens`,
    `${progress.calls} calls`,
  ];
  return parts.filter((part) => part !== undefined).join(" · ");
}
