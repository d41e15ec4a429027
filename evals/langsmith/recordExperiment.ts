import { randomUUID } from "node:crypto";
import { Client } from "langsmith";
import { evaluate } from "langsmith/evaluation";
import type { Example } from "langsmith/schemas";
import { captureTracingMessages } from "../../src/cli/captureTracingMessages.js";
import type { Environment } from "../../src/util/environment.js";
import type { EvalItem, EvalSummary, ItemResult, ItemScore } from "../types.js";

/** Options of {@link recordExperiment}. */
export interface RecordExperimentOptions {
  summary: EvalSummary;
  items: EvalItem[];
  results: ItemResult[];
  /** `LANGSMITH_API_KEY` decides whether anything is uploaded. Default `process.env`. */
  env?: Environment;
  /** The LangSmith client used when a key is set (tests give their own). */
  client?: Client;
}

/** What the experiment recorded. */
export interface RecordedExperiment {
  /** Whether the dataset, runs and feedback went to LangSmith (a key was set). */
  uploaded: boolean;
  experimentName: string;
  /** The per-item feedback the evaluators gave, keyed by item id (what LangSmith shows per run). */
  feedback: Map<string, Record<string, number>>;
  /** The summary evaluator's scores (the benchmark's headline number). */
  summaryScores: Record<string, number>;
}

/**
 * Records a finished eval as a LangSmith experiment, through `evaluate()`: the items are the dataset,
 * the stored answers are the target's outputs, and our scorers' results are the evaluators' feedback
 * (no model or judge is called again). With `LANGSMITH_API_KEY` the dataset (`moa-eval-<bench>`),
 * runs and feedback are uploaded; without it the same code runs in-process and nothing leaves the machine.
 *
 * @example
 * const { uploaded, summaryScores } = await recordExperiment({ summary, items, results });
 */
export async function recordExperiment({
  summary,
  items,
  results,
  env = process.env,
  client,
}: RecordExperimentOptions): Promise<RecordedExperiment> {
  const uploaded = Boolean(env.LANGSMITH_API_KEY);
  const byId = new Map(results.map((r) => [r.itemId, r]));
  const datasetName = `moa-eval-${summary.bench}`;
  const scored = items.filter((item) => byId.has(item.id));
  const inputsOf = (item: EvalItem) => ({ itemId: item.id, category: item.category, turns: item.turns });
  const referenceOf = (item: EvalItem) => ({
    ...(item.gold !== undefined ? { gold: item.gold } : {}),
    ...(item.reference ? { reference: item.reference } : {}),
  });
  const data = uploaded
    ? await uploadDataset({ client: client ?? new Client(), datasetName, items: scored, inputsOf, referenceOf })
    : scored.map((item): Example => ({
        id: randomUUID(),
        dataset_id: datasetName,
        created_at: new Date().toISOString(),
        inputs: inputsOf(item),
        outputs: referenceOf(item),
        runs: [],
      }));
  const feedback = new Map<string, Record<string, number>>();
  // With tracing off, evaluate() warns once per example that it has no run tree to end: noise, held back.
  const messages = captureTracingMessages({});
  const experiment = await evaluate(
    (inputs: { itemId: string }) => {
      const result = byId.get(inputs.itemId);
      return { answer: result?.answer.turns ?? [], calls: result?.answer.calls ?? 0, error: result?.answer.error ?? null };
    },
    {
      data,
      evaluators: [
        ({ inputs }: { inputs: Record<string, unknown> }) => {
          const itemId = String(inputs.itemId);
          const scores = scoresOf(byId.get(itemId)?.score ?? {});
          feedback.set(itemId, scores);
          return { results: Object.entries(scores).map(([key, score]) => ({ key, score })) };
        },
      ],
      summaryEvaluators: [() => ({ key: summary.quality.metric, score: summary.quality.value })],
      experimentPrefix: `${summary.topology}-${summary.bench}`,
      metadata: {
        topology: summary.topology,
        topologyHash: summary.topologyHash,
        judge: summary.judge ?? null,
        baseline: summary.baseline ?? null,
      },
      uploadRuns: uploaded,
      ...(uploaded && client ? { client } : {}),
      maxConcurrency: 4,
    },
  ).finally(() => {
    messages.restore();
    for (const text of messages.taken()) if (!text.includes("currentRunTree is undefined")) console.warn(text);
  });
  const summaryScores = Object.fromEntries(
    experiment.summaryResults.results.flatMap((r) => (typeof r.score === "number" ? [[r.key, r.score]] : [])),
  );
  return { uploaded, experimentName: experiment.experimentName, feedback, summaryScores };
}

/** One number per scorer, as LangSmith feedback. */
function scoresOf(score: ItemScore): Record<string, number> {
  const out: Record<string, number> = {};
  if (score.correct !== undefined) out.correct = score.correct ? 1 : 0;
  const ratings = score.ratings?.filter((r): r is number => r !== null);
  if (ratings && ratings.length > 0) out.rating = ratings.reduce((s, r) => s + r, 0) / ratings.length;
  if (score.preference !== undefined) out.preference = score.preference;
  return out;
}

async function uploadDataset({
  client,
  datasetName,
  items,
  inputsOf,
  referenceOf,
}: {
  client: Client;
  datasetName: string;
  items: EvalItem[];
  inputsOf: (item: EvalItem) => Record<string, unknown>;
  referenceOf: (item: EvalItem) => Record<string, unknown>;
}): Promise<Example[]> {
  const exists = await client.hasDataset({ datasetName });
  const dataset = exists
    ? await client.readDataset({ datasetName })
    : await client.createDataset(datasetName, { description: "Items of a moa eval" });
  const known = new Set<string>();
  for await (const example of client.listExamples({ datasetId: dataset.id }))
    known.add(String((example.inputs as { itemId?: unknown }).itemId));
  const fresh = items.filter((item) => !known.has(item.id));
  if (fresh.length > 0)
    await client.createExamples({ datasetId: dataset.id, inputs: fresh.map(inputsOf), outputs: fresh.map(referenceOf) });
  // Only this eval's items: a `--limit` run must not show the rest of the dataset as unanswered.
  const wanted = new Set(items.map((item) => item.id));
  const examples: Example[] = [];
  for await (const example of client.listExamples({ datasetId: dataset.id }))
    if (wanted.has(String((example.inputs as { itemId?: unknown }).itemId))) examples.push(example);
  return examples;
}
