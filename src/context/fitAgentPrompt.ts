import type { BaseMessage } from "@langchain/core/messages";
import { buildAgentMessages } from "./buildAgentMessages.js";
import { ContextBudgetError } from "./ContextBudgetError.js";
import type { ContextCuts } from "./contextCuts.js";
import { conversationTurns } from "./conversationTurns.js";
import { planReferenceCap } from "./planReferenceCap.js";
import type { TokenCounter } from "../models/tokenCounter.js";
import { truncateToTokens } from "./truncateToTokens.js";
import { truncationMarker, WIDEST_MARKER } from "./truncationMarker.js";

/**
 * Tokens a reference keeps at least (plus its marker) before older conversation turns are left out:
 * enough for the gist of an answer's opening.
 */
export const MIN_REFERENCE_TOKENS = 64;

/**
 * Tokens added per message for the chat template's role markers (`<|im_start|>system\n`, ...),
 * which counting the texts alone does not see.
 */
export const MESSAGE_OVERHEAD_TOKENS = 8;

// Token counts of real tokenizers are not quite additive (pieces merge at their joins), so the
// assembled prompt is measured again and the plan redone with the overshoot taken off.
const MAX_ATTEMPTS = 3;

/** The parts of an aggregating agent's prompt, as {@link buildAgentMessages} takes them. */
export interface PromptParts {
  conversation: readonly BaseMessage[];
  systemPrompt?: string;
  aggregationPrompt?: string;
  references: readonly string[];
}

/** The window to fit and who it is for (named in errors). */
export interface PromptBudget {
  agent: string;
  model: string;
  windowTokens: number;
  /** Room kept for the answer. */
  maxTokens: number;
  counter: TokenCounter;
}

/** The messages to send, and what was cut to make them fit (absent when nothing was). */
export interface FittedPrompt {
  messages: BaseMessage[];
  contextCuts?: ContextCuts;
}

/**
 * Builds an aggregating agent's messages so they fit `windowTokens - maxTokens`:
 * 1. if the whole prompt fits, it is sent as is;
 * 2. else the longest references are cut from their end (see {@link planReferenceCap}), each
 *    cut marked with "[… truncated N tokens …]";
 * 3. if even references cut to {@link MIN_REFERENCE_TOKENS} do not fit, the oldest conversation
 *    turns are left out, one at a time, and the references get whatever room that frees;
 * 4. the latest user message, system prompt and instructions are never cut: when they alone do
 *    not fit, it throws a {@link ContextBudgetError} naming the agent and the sizes.
 *
 * @example
 * const { messages, contextCuts } = await fitAgentPrompt(
 *   { conversation, references, aggregationPrompt },
 *   { agent: "aggregator", model: "ollama:qwen2.5:3b", windowTokens: 4096, maxTokens: 512, counter: ESTIMATE_COUNTER },
 * );
 */
export async function fitAgentPrompt(parts: PromptParts, budget: PromptBudget): Promise<FittedPrompt> {
  const { counter } = budget;
  const available = budget.windowTokens - budget.maxTokens;
  const build = (references: readonly string[], conversation: readonly BaseMessage[]) =>
    buildAgentMessages({
      conversation,
      references,
      ...(parts.systemPrompt !== undefined ? { systemPrompt: parts.systemPrompt } : {}),
      ...(parts.aggregationPrompt !== undefined ? { aggregationPrompt: parts.aggregationPrompt } : {}),
    });
  const measure = async (messages: readonly BaseMessage[]) => {
    const counts = await Promise.all(messages.map((m) => counter.count(m.text)));
    return counts.reduce((sum, n) => sum + n + MESSAGE_OVERHEAD_TOKENS, 0);
  };

  const whole = build(parts.references, parts.conversation);
  const wholeTokens = await measure(whole);
  if (wholeTokens <= available) return { messages: whole };

  // The references are formatted trimmed, so they are measured and cut trimmed.
  const references = parts.references.map((r) => r.trim());
  const sizes = await Promise.all(references.map((r) => counter.count(r)));
  const markerTokens = await counter.count(`\n${WIDEST_MARKER}`);
  const floor = MIN_REFERENCE_TOKENS + markerTokens;

  // Fixed costs: the system message with empty reference blocks, and each dialogue turn.
  const system = parts.conversation.filter((m) => m.getType() === "system");
  const turns = conversationTurns(parts.conversation.filter((m) => m.getType() !== "system"));
  const systemTokens = await measure(
    build(
      references.map(() => ""),
      system,
    ),
  );
  const turnTokens = await Promise.all(turns.map((turn) => measure(turn)));

  let dropTurns = 0;
  let room = available - systemTokens - sum(turnTokens);
  let reserve = 0;
  for (let attempt = 1; ; attempt++) {
    let cap = planReferenceCap(sizes, room - reserve, floor);
    // Older turns go only when the references are already down to their minimum.
    while (cap === undefined && dropTurns < turns.length - 1) {
      room += turnTokens[dropTurns] ?? 0;
      dropTurns++;
      cap = planReferenceCap(sizes, room - reserve, floor);
    }
    if (cap === undefined) {
      const latest = turns.at(-1) ?? [];
      throw new ContextBudgetError(budget.agent, budget.model, {
        windowTokens: budget.windowTokens,
        maxTokens: budget.maxTokens,
        minimumPromptTokens: available - room + sum(sizes.map((size) => Math.min(size, floor))),
        questionTokens: await measure(latest.filter((m) => m.getType() === "human").slice(0, 1)),
      });
    }

    const cut = await cutReferences(references, sizes, cap, markerTokens, counter);
    const conversation = [...system, ...turns.slice(dropTurns).flat()];
    const messages = build(cut.texts, conversation);
    const promptTokens = await measure(messages);
    // After the last attempt an overshoot of a few tokens is left to the answer's room.
    if (promptTokens <= available || attempt === MAX_ATTEMPTS) {
      const droppedMessages = sum(turns.slice(0, dropTurns).map((turn) => turn.length));
      return {
        messages,
        contextCuts: { references: cut.records, droppedMessages, windowTokens: budget.windowTokens, promptTokens, tokenizer: counter.kind },
      };
    }
    reserve += promptTokens - available;
  }
}

async function cutReferences(
  references: readonly string[],
  sizes: readonly number[],
  cap: number,
  markerTokens: number,
  counter: TokenCounter,
) {
  const texts: string[] = [];
  const records: ContextCuts["references"] = [];
  for (const [i, text] of references.entries()) {
    const size = sizes[i] ?? 0;
    if (size <= cap) {
      texts.push(text);
      continue;
    }
    const kept = (await truncateToTokens(text, cap - markerTokens, counter)).trimEnd();
    const keptTokens = await counter.count(kept);
    texts.push(`${kept}\n${truncationMarker(size - keptTokens)}`);
    records.push({ index: i + 1, fromTokens: size, toTokens: keptTokens });
  }
  return { texts, records };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, n) => total + n, 0);
}
