import { createHash, randomUUID } from "node:crypto";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import type { ModelFactory } from "../../src/config/ResolvedAgent.js";
import { buildTopologyGraph } from "../../src/graphs/buildTopologyGraph.js";
import type { ResolvedTopology } from "../../src/graphs/resolvedTopology.js";
import { buildRunReport } from "../../src/report/buildRunReport.js";
import type { MoAStateValue } from "../../src/state/moaState.js";
import type { GeneratedAnswer } from "../types.js";

/** What a responder gives back for one item: everything of a {@link GeneratedAnswer} but the item id. */
export type ResponderAnswer = Omit<GeneratedAnswer, "itemId">;

/** Something that answers a benchmark item turn by turn: a topology, or a single model (a baseline). */
export interface Responder {
  /** Shown in reports. */
  name: string;
  /** Identifies what generates the answers: equal hashes share stored answers. */
  hash: string;
  answer(options: { turns: string[]; signal?: AbortSignal }): Promise<ResponderAnswer>;
}

/**
 * A stable hash of a JSON-like value (object keys sorted; functions and class instances by their
 * class name), so the same topology file or preset gives the same hash in every run.
 *
 * @example
 * stableHash({ b: 1, a: 2 }) === stableHash({ a: 2, b: 1 }); // true
 */
export function stableHash(value: unknown): string {
  // Only the objects on the path from the root: a value referenced twice (a resolved topology's
  // `requirements` share its agents' model and settings objects) is hashed by content both times.
  const ancestors = new WeakSet<object>();
  const canonical = (v: unknown): unknown => {
    if (typeof v === "function") return `[function ${v.name}]`;
    if (typeof v !== "object" || v === null) return v;
    if (ancestors.has(v)) return "[cycle]";
    if (Array.isArray(v)) return within(v, () => v.map(canonical));
    const proto = Object.getPrototypeOf(v) as object | null;
    // A pattern changes what a rule matches: its text counts. Other instances (a chat model given in code) count by class only.
    if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
    if (proto !== Object.prototype && proto !== null) return `[${(v.constructor as { name?: string }).name ?? "object"}]`;
    return within(v, () =>
      Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((key) => [key, canonical((v as Record<string, unknown>)[key])]),
      ),
    );
  };
  const within = (v: object, walk: () => unknown): unknown => {
    ancestors.add(v);
    try {
      return walk();
    } finally {
      ancestors.delete(v);
    }
  };
  return createHash("sha256")
    .update(JSON.stringify(canonical(value)))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Runs a topology on each item, one checkpointed thread per item so that a second turn sees the
 * first (MT-Bench), and records what every turn cost and decided.
 *
 * @example
 * const responder = topologyResponder({ topology: loadConfig({ preset: "moa-lite" }), bench: "gsm8k" });
 * const { turns, calls } = await responder.answer({ turns: ["What is 2 + 2?"] });
 */
export function topologyResponder({
  topology,
  modelFactory,
  bench,
  maxTokens,
}: {
  topology: ResolvedTopology;
  modelFactory?: ModelFactory;
  /** Part of the hash: answers of one benchmark are not reused for another. */
  bench: string;
  maxTokens?: number | undefined;
}): Responder {
  const graph = buildTopologyGraph({ topology, ...(modelFactory ? { modelFactory } : {}) }).compile({ checkpointer: new MemorySaver() });
  const { source: _source, ...shape } = topology as ResolvedTopology & { source?: string };
  return {
    name: topology.name,
    hash: stableHash({ bench, topology: shape, maxTokens }),
    async answer({ turns, signal }) {
      const config = { configurable: { thread_id: randomUUID() }, ...(signal ? { signal } : {}) };
      const result = emptyAnswer();
      const started = performance.now();
      for (const turn of turns) {
        const state = (await graph.invoke({ messages: [new HumanMessage(turn)] }, config)) as MoAStateValue;
        const report = buildRunReport({ state, topology: { name: topology.name, kind: topology.kind } });
        addCost(result, report.cost, report.totals.failed);
        if (report.route) result.routes.push(report.route.category ?? "fallback");
        if (report.gate) {
          result.gateTurns++;
          if (report.gate.skipped) result.gateSkips++;
        }
        if (report.answer === undefined) throw new Error(`the topology gave no answer (${report.totals.failed} failed calls)`);
        result.turns.push(report.answer);
      }
      result.latencyMs = performance.now() - started;
      return result;
    },
  };
}

/**
 * One chat model answering each turn with the conversation so far: a baseline given as a model reference.
 *
 * @example
 * const responder = modelResponder({ name: "ollama:qwen2.5:7b", model: new ChatOllama({ model: "qwen2.5:7b" }), bench: "mt-bench" });
 */
export function modelResponder({
  name,
  ref = name,
  settings = {},
  model,
  bench,
  activeParams = 0,
}: {
  /** Shown in reports. */
  name: string;
  /** What identifies the model in the hash (default the name): a full reference, where the name is shortened. */
  ref?: string;
  /** Settings the answers depend on (max tokens, temperature), part of the hash. */
  settings?: Record<string, unknown>;
  model: BaseChatModel;
  bench: string;
  activeParams?: number;
}): Responder {
  return {
    name,
    hash: stableHash({ bench, model: ref, settings }),
    async answer({ turns, signal }) {
      const result = emptyAnswer();
      const started = performance.now();
      const messages: BaseMessage[] = [];
      for (const turn of turns) {
        messages.push(new HumanMessage(turn));
        const reply = await model.invoke(messages, signal ? { signal } : {});
        messages.push(new AIMessage(reply.text));
        addCost(
          result,
          {
            calls: 1,
            inputTokens: reply.usage_metadata?.input_tokens ?? 0,
            outputTokens: reply.usage_metadata?.output_tokens ?? 0,
            activeParams,
          },
          0,
        );
        result.turns.push(reply.text);
      }
      result.latencyMs = performance.now() - started;
      return result;
    },
  };
}

/**
 * An answer with no turns and nothing spent: what a responder adds to, and what a failed item records.
 *
 * @example
 * const failed = { itemId: "81", ...emptyAnswer(), error: "timed out" };
 */
export function emptyAnswer(): ResponderAnswer {
  return {
    turns: [],
    calls: 0,
    failedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    activeParams: 0,
    latencyMs: 0,
    routes: [],
    gateTurns: 0,
    gateSkips: 0,
  };
}

function addCost(
  result: ResponderAnswer,
  cost: { calls: number; inputTokens: number; outputTokens: number; activeParams: number },
  failed: number,
): void {
  result.calls += cost.calls;
  result.failedCalls += failed;
  result.inputTokens += cost.inputTokens;
  result.outputTokens += cost.outputTokens;
  result.activeParams += cost.activeParams;
}
