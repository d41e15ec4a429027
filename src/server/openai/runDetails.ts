import type { RunReport } from "../../report/buildRunReport.js";

/** The `moa` extension of a response: what a client that asks for details gets beside the reply. */
export type RunDetails = Omit<RunReport, "rows" | "question" | "answer">;

/**
 * The run's details for a response's `moa` field: every agent's answer of this turn, the route and the
 * gate decision, totals and cost.
 *
 * @example
 * const body = { ...completion, moa: runDetails(report) };
 */
export function runDetails(report: RunReport): RunDetails {
  const { rows: _rows, question: _question, answer: _answer, ...details } = report;
  return details;
}

/** OpenAI's chat-completions usage, summed over every model call of the turn. */
export function chatUsage(report: RunReport): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const { inputTokens, outputTokens } = report.totals;
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}
