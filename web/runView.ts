import type { AgentAnswer, MoAStreamEvent } from "./types";

export type AgentStatus = "running" | "answered" | "failed" | "late";

/** One agent's card while (or after) a turn runs. */
export interface AgentCard {
  /** `<stage>/<layer>/<agent>`: what both the custom events and the token metadata name. */
  key: string;
  layer: number;
  agent: string;
  nodeId: string;
  role: string;
  model: string;
  stage?: string;
  status: AgentStatus;
  text: string;
  latencyMs?: number;
  usage?: AgentAnswer["usage"];
  activeParams?: number;
  error?: string;
  reply?: boolean;
}

export function cardKey(layer: number | string, agent: string, stage?: string): string {
  return `${stage ?? ""}/${layer}/${agent}`;
}

/** The cards after one custom stream event. */
export function applyEvent(cards: Map<string, AgentCard>, event: MoAStreamEvent): Map<string, AgentCard> {
  if (event.event === "aggregator_fallback") return cards;
  const next = new Map(cards);
  if (event.event === "agent_start") {
    const key = cardKey(event.layer, event.agent, event.stage);
    const previous = cards.get(key);
    next.set(key, {
      key,
      layer: event.layer,
      agent: event.agent,
      nodeId: event.nodeId,
      role: event.role,
      model: event.model,
      ...(event.stage ? { stage: event.stage } : {}),
      status: "running",
      // A retried call keeps what its first attempt streamed until new tokens come.
      text: previous?.text ?? "",
      ...(event.reply ? { reply: true } : {}),
    });
    return next;
  }
  if (event.composite) return cards;
  const card = cardOf(event);
  const previous = cards.get(card.key);
  next.set(card.key, { ...card, text: card.text || previous?.text || "", reply: Boolean(event.reply || previous?.reply) });
  return next;
}

/** A finished answer record as a card (an earlier turn's, or an agent_end event). */
export function cardOf(answer: AgentAnswer): AgentCard {
  const status: AgentStatus = answer.late ? "late" : answer.error !== undefined ? "failed" : "answered";
  return {
    key: cardKey(answer.layer, answer.agent, answer.stage),
    layer: answer.layer,
    agent: answer.agent,
    nodeId: answer.nodeId,
    role: answer.role,
    model: answer.model,
    ...(answer.stage ? { stage: answer.stage } : {}),
    status,
    text: answer.content ?? "",
    latencyMs: answer.latencyMs,
    ...(answer.usage ? { usage: answer.usage } : {}),
    ...(answer.activeParams !== undefined ? { activeParams: answer.activeParams } : {}),
    ...(answer.error !== undefined ? { error: answer.error } : {}),
  };
}

/** A turn's totals, for the summary under the reply. */
export interface RunSummary {
  calls: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum over answered calls of the parameters active per token (what the turn's compute scales with). */
  activeParams: number;
  /** Longest single call, when no wall time was measured (a turn loaded from history). */
  slowestMs: number;
}

export function summarize(cards: Iterable<AgentCard>): RunSummary {
  const summary: RunSummary = { calls: 0, failed: 0, inputTokens: 0, outputTokens: 0, activeParams: 0, slowestMs: 0 };
  for (const card of cards) {
    if (card.status === "running") continue;
    summary.calls++;
    if (card.status !== "answered") summary.failed++;
    summary.inputTokens += card.usage?.inputTokens ?? 0;
    summary.outputTokens += card.usage?.outputTokens ?? 0;
    if (card.status === "answered") summary.activeParams += card.activeParams ?? 0;
    summary.slowestMs = Math.max(summary.slowestMs, card.latencyMs ?? 0);
  }
  return summary;
}

export function formatParams(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(0)}M`;
  return String(count);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** A message's content as plain text (string, or a list of text parts). */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((part: unknown) =>
        typeof part === "string"
          ? part
          : part && typeof part === "object" && "text" in part
            ? String((part as { text: unknown }).text)
            : "",
      )
      .join("");
  return "";
}
