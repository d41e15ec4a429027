import { copyFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { buildMoAGraph } from "../src/graphs/builders.js";
import { repoRoot } from "../scripts/repoRoot.js";
import { createChatModel } from "../src/models/createChatModel.js";
import { disposeAll } from "../src/models/providers/llamacpp/runtime/llamaRuntime.js";

const TINY = path.join(repoRoot(import.meta.dirname), "../shared/models/llama-2-tiny-random.gguf");
const AGENTS = ["layer1/p1", "layer1/p2", "aggregator"] as const;
type AgentId = (typeof AGENTS)[number];

/** Medians for one placement of the two proposers. */
export interface LlamaCppConcurrencyVariant {
  label: string;
  /** Wall time of the whole MoA run (proposers in parallel, then the aggregator). */
  moaWallMs: number;
  /** The same three calls, on the prompts they got in the MoA run, invoked one after another. */
  sequentialMs: number;
  /** moaWallMs / sequentialMs: below 1 means running the proposers together paid off. */
  ratio: number;
  /** Median of each call alone, in the sequential runs. */
  perCallMs: Record<AgentId, number>;
  /** Generated tokens per call (temperature 0, so identical in both modes). */
  outputTokens: Record<AgentId, number>;
}

/** What {@link benchLlamaCppConcurrency} returns. */
export interface LlamaCppConcurrencyResult {
  repetitions: number;
  maxTokens: number;
  cores: number;
  variants: LlamaCppConcurrencyVariant[];
}

/** Options of {@link benchLlamaCppConcurrency}. */
export interface LlamaCppConcurrencyOptions {
  repetitions?: number;
  maxTokens?: number;
  /** GGUF file; defaults to the shared tiny random-weight model. */
  modelPath?: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * In-process MoA (2 proposers + aggregator, llama.cpp) against the same calls run one by one: is
 * running the proposers concurrently worth it on this machine? Two placements: the proposers on two
 * model files (two contexts sharing the CPU through one thread budget), and on one file (two
 * sequences of one context, batched together). Each variant is warmed up (loads, contexts) first.
 *
 * @example
 * const { variants } = await benchLlamaCppConcurrency({ repetitions: 5 });
 * for (const v of variants) console.log(v.label, v.moaWallMs, v.sequentialMs, v.ratio);
 */
export async function benchLlamaCppConcurrency({
  repetitions = 7,
  maxTokens = 64,
  modelPath = TINY,
}: LlamaCppConcurrencyOptions = {}): Promise<LlamaCppConcurrencyResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "moa-bench-llamacpp-"));
  try {
    // A second path to the same bytes is a second model for the runtime: its own weights and context.
    const copy = path.join(dir, "copy.gguf");
    await copyFile(modelPath, copy);
    const variants: LlamaCppConcurrencyVariant[] = [];
    for (const [label, second] of [
      ["two model files", copy],
      ["one model file, batched", modelPath],
    ] as const) {
      variants.push(await runVariant({ label, first: modelPath, second, repetitions, maxTokens }));
      // Each variant starts from an empty runtime, so neither inherits the other's warm contexts.
      await disposeAll();
    }
    return { repetitions, maxTokens, cores: os.availableParallelism(), variants };
  } finally {
    await disposeAll();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runVariant({
  label,
  first,
  second,
  repetitions,
  maxTokens,
}: {
  label: string;
  first: string;
  second: string;
  repetitions: number;
  maxTokens: number;
}): Promise<LlamaCppConcurrencyVariant> {
  const models = new Map<string, BaseChatModel>();
  const graph = buildMoAGraph({
    config: {
      // Greedy decoding: both modes generate exactly the same tokens; the seeds only tell agents apart.
      defaults: { maxTokens, temperature: 0 },
      layers: [
        {
          agents: [
            { name: "p1", model: `llamacpp:${first}`, seed: 1 },
            { name: "p2", model: `llamacpp:${second}`, seed: 2 },
          ],
        },
      ],
      aggregator: { model: `llamacpp:${first}` },
    },
    modelFactory: (agent) => {
      const model = createChatModel(agent);
      models.set(agent.id, model);
      return model;
    },
  }).compile();

  const prompts = new Map<string, BaseMessage[]>();
  const outputTokens = {} as Record<AgentId, number>;
  const runMoA = async (i: number): Promise<number> => {
    const started = performance.now();
    const state = await graph.invoke(
      { messages: [new HumanMessage(`Question ${i}: why is the sky blue?`)] },
      {
        callbacks: [
          {
            // What each agent was really asked, so the sequential pass replays the same prompts.
            handleChatModelStart: (_llm, messages, _runId, _parentRunId, _extra, _tags, metadata) => {
              const node = metadata?.langgraph_node;
              if (typeof node === "string" && messages[0]) prompts.set(node, messages[0]);
            },
          },
        ],
      },
    );
    const wall = performance.now() - started;
    for (const answer of state.answers) {
      if (answer.error) throw new Error(`${answer.agent} failed: ${String(answer.error)}`);
      outputTokens[answer.nodeId as AgentId] = answer.usage?.outputTokens ?? 0;
    }
    return wall;
  };
  const runSequential = async (): Promise<Record<AgentId, number>> => {
    const times = {} as Record<AgentId, number>;
    for (const id of AGENTS) {
      const model = models.get(id);
      const prompt = prompts.get(id);
      if (!model || !prompt) throw new Error(`no model or prompt recorded for ${id}`);
      const started = performance.now();
      await model.invoke(prompt);
      times[id] = performance.now() - started;
    }
    return times;
  };

  await runMoA(0);
  await runSequential();
  const walls: number[] = [];
  const sequential: Array<Record<AgentId, number>> = [];
  for (let i = 1; i <= repetitions; i++) {
    walls.push(await runMoA(i));
    sequential.push(await runSequential());
  }
  const moaWallMs = median(walls);
  const sequentialMs = median(sequential.map((times) => AGENTS.reduce((sum, id) => sum + times[id], 0)));
  const perCallMs = Object.fromEntries(AGENTS.map((id) => [id, median(sequential.map((times) => times[id]))])) as Record<AgentId, number>;
  return { label, moaWallMs, sequentialMs, ratio: moaWallMs / sequentialMs, perCallMs, outputTokens };
}
