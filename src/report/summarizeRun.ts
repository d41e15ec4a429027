import { latestTurnAnswers, type AgentAnswer, type MoAStateValue } from "../state/moaState.js";

/** One row of the per-agent summary table. */
export interface AgentSummaryRow {
  layer: number;
  agent: string;
  role: AgentAnswer["role"];
  model: string;
  latencyMs: number;
  inputTokens?: number;
  outputTokens?: number;
  error?: string;
  /** A stage expert's own row: its calls are the rows of its stage. */
  composite?: boolean;
}

/** What a run produced and cost. */
export interface RunSummary {
  /** The final answer text, if the run produced one. */
  answer: string | undefined;
  rows: AgentSummaryRow[];
  totals: { calls: number; failed: number; inputTokens: number; outputTokens: number };
}

/**
 * Summarizes the latest turn of an MoA run: the answer, and per agent (in layer and declared order)
 * its model, latency and tokens.
 *
 * @example
 * const state = await graph.invoke({ messages: [{ role: "user", content: "Hi" }] });
 * const { answer, totals } = summarizeRun(state);
 */
export function summarizeRun(state: Pick<MoAStateValue, "messages" | "answers">): RunSummary {
  const last = state.messages.at(-1);
  const answer = last && last.getType() === "ai" ? last.text : undefined;
  const rows = latestTurnAnswers(state.answers)
    .sort((a, b) => a.layer - b.layer || a.agentIndex - b.agentIndex)
    .map((a) => ({
      layer: a.layer,
      agent: a.agent,
      role: a.role,
      model: a.model,
      latencyMs: a.latencyMs,
      ...(a.usage ? { inputTokens: a.usage.inputTokens, outputTokens: a.usage.outputTokens } : {}),
      ...(a.error !== undefined ? { error: a.error } : {}),
      ...(a.composite ? { composite: true } : {}),
    }));
  const calls = rows.filter((r) => !r.composite);
  const totals = {
    calls: calls.length,
    failed: calls.filter((r) => r.error !== undefined).length,
    inputTokens: calls.reduce((n, r) => n + (r.inputTokens ?? 0), 0),
    outputTokens: calls.reduce((n, r) => n + (r.outputTokens ?? 0), 0),
  };
  return { answer, rows, totals };
}
